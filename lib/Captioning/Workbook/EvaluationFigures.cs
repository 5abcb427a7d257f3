using System.Globalization;
using Captioning.Data;
using Captioning.Evaluation;
using Captioning.Reports;

namespace Captioning.Workbook;

/// <summary>Notebook 04's plots: scores per model, the beam-size sweep, per-image score distributions, paired comparisons, best and worst captions.</summary>
public static class EvaluationFigures
{
    // Baselines are grey and hatched, so that no one mistakes them for a model.
    private static readonly BarStyle[] BaselineStyles = [new("#9ca3af", "/"), new("#6b7280", "x"), new("#d1d5db", ".")];

    /// <summary>
    /// Grouped bars: one group per metric, one bar per model and baseline (grey, hatched), with 95% intervals as error
    /// bars (x100). CIDEr-D, which runs to 200 and more, has its own panel and axis on the right, so that it does not
    /// squash the BLEU and ROUGE-L bars (0-100).
    /// </summary>
    public static Figure ScoreBars(IReadOnlyList<ScoredModel> models)
    {
        var figure = new Figure("Test-split scores by model (x100, 95% intervals)", "metric", "score x100") { Height = 460 }
            .AddPanel(null, "CIDEr-D x100", width: 0.14);
        var left = ScoreTables.Columns.Where(c => c.Metric != Metric.Cider).ToList();
        var right = ScoreTables.Columns.Where(c => c.Metric == Metric.Cider).ToList();
        var rows = ScoreTables.Rows(models);
        for (var r = 0; r < rows.Count; r++)
        {
            var (name, report) = rows[r];
            // Rows lists the models first, then the baselines.
            var style = r < models.Count ? null : BaselineStyles[(r - models.Count) % BaselineStyles.Length];
            foreach (var (metrics, panel) in new[] { (left, 0), (right, 1) })
            {
                var errors = metrics.Select(c => report.Intervals.TryGetValue(c.Metric, out var i) ? (i.Upper - i.Lower) * 50 : 0).ToList();
                figure.AddBar(name, metrics.Select(c => c.Name).ToList(), metrics.Select(c => report.Values[c.Metric] * 100).ToList(), errors, panel, style);
            }
        }
        return figure;
    }

    /// <summary>A line per model: <paramref name="metric"/> (x100) against beam size (1 is greedy decoding).</summary>
    public static Figure BeamSweep(IReadOnlyDictionary<string, IReadOnlyDictionary<int, EvaluationResult>> byModelAndBeam, Metric metric = Metric.CocoBleu4)
    {
        var label = ScoreTables.Columns.FirstOrDefault(c => c.Metric == metric).Name ?? metric.ToString();
        var figure = new Figure($"{label} by beam size (1 = greedy)", "beam size", label + " x100")
        {
            Height = 400,
            XTicks = byModelAndBeam.Values.SelectMany(b => b.Keys).Distinct().Order().Select(b => (double)b).ToList(), // no tick between two beams
        };
        foreach (var (model, byBeam) in byModelAndBeam)
        {
            var beams = byBeam.Keys.Order().ToList();
            figure.AddLine(model, beams.Select(b => (double)b).ToList(), beams.Select(b => byBeam[b].Model.Values[metric] * 100).ToList());
        }
        return figure;
    }

    /// <summary>Overlaid histograms of each model's per-image CIDEr-D: how the corpus score spreads over images.</summary>
    public static Figure PerImageCider(IReadOnlyList<ScoredModel> models)
    {
        var figure = new Figure("Per-image CIDEr-D (how the corpus score spreads over images)", "CIDEr-D of one image", "images") { Height = 400 };
        // One set of 30 bins for every model, so the bars of one bin sit side by side.
        var highest = models.SelectMany(m => m.Result.Model.PerImage).Select(p => p.Cider).DefaultIfEmpty(0).Max();
        var width = highest > 0 ? highest / 30 : 1;
        foreach (var model in models) figure.AddHistogram(model.Name, model.Result.Model.PerImage.Select(p => p.Cider).ToList(), edges: (0, width));
        return figure;
    }

    /// <summary>
    /// Paired bootstrap comparisons of <paramref name="reference"/> against every other model on the same images: the difference
    /// (reference minus other, x100) per metric with its 95% interval; an interval that excludes 0 is a real difference.
    /// </summary>
    public static MetricTable PairedComparison(IReadOnlyList<ScoredModel> models, string reference = "merge", BootstrapOptions? bootstrap = null)
    {
        var baseModel = Reference(models, reference);
        var table = new MetricTable(ScoreTables.Columns.Select(c => c.Name).ToList(),
            $"Paired bootstrap: {reference} minus each other model (x100, 95% interval; intervals containing 0 mean no clear winner)", decimals: 1)
        { MarkBest = false };
        var candidates = Candidates(baseModel.Result);
        foreach (var other in models.Where(m => m != baseModel))
        {
            AddDifference(table, $"{reference} - {other.Name}", baseModel.Result.References, candidates, Candidates(other.Result), bootstrap);
        }
        return table;
    }

    /// <summary>
    /// Paired bootstrap of each model minus a baseline ("nearest-neighbour" by default) on the same
    /// images: an interval above 0 means the model beats the baseline on that metric beyond resampling luck.
    /// </summary>
    public static MetricTable VersusBaseline(IReadOnlyList<ScoredModel> models, string baseline = "nearest-neighbour", BootstrapOptions? bootstrap = null)
    {
        var table = new MetricTable(ScoreTables.Columns.Select(c => c.Name).ToList(),
            $"Paired bootstrap: each model minus the {baseline} baseline (x100, 95% interval; above 0 means the model is better)", decimals: 1)
        { MarkBest = false };
        foreach (var model in models)
        {
            var baselineCaptions = model.Result.BaselinePredictions?.GetValueOrDefault(baseline)
                ?? throw new CaptioningException($"the evaluation of '{model.Name}' has no {baseline} captions (evaluated before they were kept); delete its cached evaluation and rerun");
            AddDifference(table, $"{model.Name} - {baseline}", model.Result.References, Candidates(model.Result), baselineCaptions, bootstrap);
        }
        return table;
    }

    /// <summary>The <paramref name="count"/> best (or worst) captioned images of a model by per-image CIDEr-D, with their references and scores.</summary>
    public static CaptionGallery BestOrWorst(ScoredModel model, CaptionDataset dataset, int count = 6, bool best = true)
    {
        var predictions = model.Result.Predictions.ToDictionary(p => p.Key, p => p.Value);
        var ordered = best
            ? model.Result.Model.PerImage.OrderByDescending(p => p.Cider).ThenBy(p => p.ImageId, StringComparer.Ordinal)
            : model.Result.Model.PerImage.OrderBy(p => p.Cider).ThenBy(p => p.ImageId, StringComparer.Ordinal);
        var gallery = new CaptionGallery(string.Create(CultureInfo.InvariantCulture,
            $"{model.Name}: the {count} {(best ? "best" : "worst")} test captions by CIDEr-D"), thumbnailSize: 160);
        foreach (var score in ordered.Take(count))
        {
            gallery.AddFile(score.ImageId, ImagePath(dataset, score.ImageId), predictions.GetValueOrDefault(score.ImageId, ""), model.Result.References[score.ImageId], score.Bleu4, score.Cider);
        }
        return gallery;
    }

    /// <summary>
    /// The same <paramref name="count"/> test photos captioned by every model and both baselines: each photo once with its
    /// references, and per captioner its caption with BLEU-4 and CIDEr-D on that photo (x100). The photos are chosen
    /// by a fixed rule: evenly spaced ranks of <paramref name="reference"/>'s per-image CIDEr-D, from its best photo to its
    /// worst (ties by image id), so the same evaluation always shows the same photos.
    /// </summary>
    public static CaptionComparison AllCaptioners(IReadOnlyList<ScoredModel> models, CaptionDataset dataset, string reference, int count = 6)
    {
        if (count <= 0) throw new CaptioningException($"the gallery needs at least one image; galleryImages is {count}");
        var baseModel = Reference(models, reference);
        var baselines = baseModel.Result.BaselinePredictions
            ?? throw new CaptioningException($"the evaluation of '{reference}' has no baseline captions (evaluated before they were kept); delete its cached evaluation and rerun");
        var ranked = baseModel.Result.Model.PerImage.OrderByDescending(p => p.Cider).ThenBy(p => p.ImageId, StringComparer.Ordinal).ToList();
        count = Math.Min(count, ranked.Count);
        var chosen = Enumerable.Range(0, count).Select(i => ranked[count == 1 ? (ranked.Count - 1) / 2 : i * (ranked.Count - 1) / (count - 1)].ImageId);
        var captioners = models.Select(m => (m.Name, Captions: (IReadOnlyDictionary<string, string>)Candidates(m.Result), Scores: m.Result.Model, IsBaseline: false))
            .Concat(baselines.Select(b => (Name: b.Key, Captions: b.Value, Scores: baseModel.Result.Baselines[b.Key], IsBaseline: true)))
            .Select(c => (c.Name, c.Captions, Scores: c.Scores.PerImage.ToDictionary(p => p.ImageId), c.IsBaseline)).ToList();
        var gallery = new CaptionComparison(string.Create(CultureInfo.InvariantCulture,
            $"{count} test photos, from {reference}'s best to its worst by CIDEr-D: every model's caption and both baselines'"), thumbnailSize: 200);
        foreach (var id in chosen)
        {
            var lines = captioners.Select(c => new CaptionerLine(c.Name, c.Captions.GetValueOrDefault(id, ""),
                c.Scores.GetValueOrDefault(id)?.Bleu4, c.Scores.GetValueOrDefault(id)?.Cider, c.IsBaseline)).ToList();
            gallery.AddFile(id, ImagePath(dataset, id), baseModel.Result.References[id], lines);
        }
        return gallery;
    }

    private static ScoredModel Reference(IReadOnlyList<ScoredModel> models, string reference) =>
        models.FirstOrDefault(m => m.Name == reference)
        ?? throw new CaptioningException($"no evaluated model named '{reference}'; evaluated: {string.Join(", ", models.Select(m => m.Name))}");

    private static string ImagePath(CaptionDataset dataset, string imageId) =>
        dataset.Find(imageId)?.Path
        ?? throw new CaptioningException($"image '{imageId}' of the evaluation is not in dataset '{dataset.Source}'; evaluate against the same dataPath");

    // One row of a paired table: a minus b per headline metric, x100, with its bootstrap interval.
    private static void AddDifference(MetricTable table, string name, IReadOnlyDictionary<string, IReadOnlyList<string>> references,
        IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b, BootstrapOptions? bootstrap)
    {
        var comparison = CaptionScorer.CompareText(references, a, b, bootstrap: bootstrap ?? BootstrapOptions.Default);
        table.AddRow(name,
            ScoreTables.Columns.Select(c => comparison.Metrics[c.Metric].Difference * 100).ToList(),
            ScoreTables.Columns.Select(c => (comparison.Metrics[c.Metric].Interval.Lower * 100, comparison.Metrics[c.Metric].Interval.Upper * 100)).ToList());
    }

    private static Dictionary<string, string> Candidates(EvaluationResult result) => result.Predictions.ToDictionary(p => p.Key, p => p.Value);
}
