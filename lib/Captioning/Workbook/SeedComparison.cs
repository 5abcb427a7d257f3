using System.Globalization;
using System.Text;
using Captioning.Evaluation;
using Captioning.Reports;
using Microsoft.Data.Analysis;

namespace Captioning.Workbook;

/// <summary>The test scores of one run of an experiment: an architecture trained with one seed.</summary>
/// <param name="Model">Architecture name.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Result">Its evaluation (decoded once, not resampled).</param>
public sealed record SeedScore(string Model, int Seed, EvaluationResult Result);

/// <summary>
/// Notebook 04's seed-aware comparison. The bootstrap over test images says how much a score would move with other test
/// photos; retraining with another seed moves it too, and the bootstrap cannot see that. This puts both side by side.
/// </summary>
public static class SeedComparison
{
    /// <summary>The metrics compared: BLEU-4 and CIDEr-D, the two the papers lead with.</summary>
    public static IReadOnlyList<(Metric Metric, string Name)> Metrics { get; } = [(Metric.CocoBleu4, "BLEU-4"), (Metric.Cider, "CIDEr-D")];

    /// <summary>
    /// One row per model (x100): its seeds, then per metric the mean over seeds, the lowest and highest seed, and the half-width
    /// of the 95% bootstrap interval of the run in <paramref name="scored"/> (the first seed's, resampled over test images).
    /// </summary>
    public static DataFrame Frame(IReadOnlyList<SeedScore> seeds, IReadOnlyList<ScoredModel> scored)
    {
        KernelFormatters.EnsureRegistered();
        var models = Summaries(seeds, scored);
        var columns = new List<DataFrameColumn>
        {
            new StringDataFrameColumn("model", models.Select(m => m.Model)),
            new StringDataFrameColumn("seeds", models.Select(m => string.Join(" ", m.Seeds))),
        };
        foreach (var (metric, name) in Metrics)
        {
            columns.Add(new DoubleDataFrameColumn($"{name} mean", models.Select(m => Round(m.Of(metric).Mean))));
            columns.Add(new DoubleDataFrameColumn($"{name} lowest seed", models.Select(m => Round(m.Of(metric).Low))));
            columns.Add(new DoubleDataFrameColumn($"{name} highest seed", models.Select(m => Round(m.Of(metric).High))));
            columns.Add(new DoubleDataFrameColumn($"{name} bootstrap ±", models.Select(m => Round(m.Of(metric).BootstrapHalfWidth))));
        }
        return new DataFrame(columns);
    }

    /// <summary>
    /// What the table says about <paramref name="reference"/> against each other model, computed: the difference of their mean
    /// scores over seeds, and whether their seed ranges overlap (then another seed could reverse the order) or not.
    /// </summary>
    public static string Sentence(IReadOnlyList<SeedScore> seeds, IReadOnlyList<ScoredModel> scored, string reference)
    {
        var models = Summaries(seeds, scored);
        var baseModel = models.FirstOrDefault(m => m.Model == reference)
            ?? throw new CaptioningException($"no run of '{reference}' in this experiment; its models: {string.Join(", ", models.Select(m => m.Model))}");
        var count = baseModel.Seeds.Count;
        var text = new StringBuilder();
        var widest = models.SelectMany(m => Metrics.Select(x => (m.Model, x.Name, Range: m.Of(x.Metric).High - m.Of(x.Metric).Low))).MaxBy(r => r.Range);
        var bootstrap = models.Select(m => m.Of(Metric.CocoBleu4).BootstrapHalfWidth).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
        if (count < 2)
            return F($"Each model was trained with one seed, so this table cannot show how much retraining moves a score; set seeds = 2 or more in notebook 03. ") +
                   F($"The bootstrap's BLEU-4 intervals are ±{bootstrap:F1} on average: that is the test images' share of the uncertainty only.");
        text.Append(F($"Over {count} seeds, the widest spread is {widest.Model}'s {widest.Name}, {widest.Range:F1} points from its lowest to its highest seed; "))
            .Append(F($"the bootstrap's BLEU-4 intervals are ±{bootstrap:F1} on average. "));
        foreach (var other in models.Where(m => m != baseModel))
        {
            var parts = Metrics.Select(x =>
            {
                var (a, b) = (baseModel.Of(x.Metric), other.Of(x.Metric));
                // Compared as printed (0.1 points), so two seeds that both score 0.0 are not "apart" by a rounding residue.
                var separated = Round(a.Low) > Round(b.High) || Round(b.Low) > Round(a.High);
                return F($"{x.Name} {a.Mean - b.Mean:+0.0;-0.0;0.0} ({(separated ? "seed ranges apart" : "seed ranges overlap")})");
            });
            text.Append(F($"{reference} minus {other.Model}: {string.Join(", ", parts)}. "));
        }
        text.Append("Where the seed ranges overlap, another seed could reverse the order, whatever the paired bootstrap above says about one seed.");
        return text.ToString();
    }

    private static List<ModelSummary> Summaries(IReadOnlyList<SeedScore> seeds, IReadOnlyList<ScoredModel> scored)
    {
        if (seeds.Count == 0) throw new CaptioningException("no runs to compare: train at least one architecture in notebook 03");
        return seeds.GroupBy(s => s.Model).Select(g =>
        {
            var resampled = scored.FirstOrDefault(s => s.Name == g.Key)?.Result.Model;
            var perMetric = Metrics.ToDictionary(x => x.Metric, x =>
            {
                var values = g.Select(s => s.Result.Model.Values[x.Metric] * 100).ToList();
                var half = resampled != null && resampled.Intervals.TryGetValue(x.Metric, out var i) ? (i.Upper - i.Lower) * 50 : double.NaN;
                return new Spread(values.Average(), values.Min(), values.Max(), half);
            });
            return new ModelSummary(g.Key, g.Select(s => s.Seed).ToList(), perMetric);
        }).ToList();
    }

    private static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 1) : double.NaN;

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Spread(double Mean, double Low, double High, double BootstrapHalfWidth);

    private sealed record ModelSummary(string Model, IReadOnlyList<int> Seeds, IReadOnlyDictionary<Metric, Spread> Metrics)
    {
        public Spread Of(Metric metric) => Metrics[metric];
    }
}
