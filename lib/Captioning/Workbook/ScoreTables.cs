using System.Globalization;
using System.Text;
using Captioning.Evaluation;
using Captioning.Reports;
using Microsoft.Data.Analysis;

namespace Captioning.Workbook;

/// <summary>One model's evaluation under its name.</summary>
/// <param name="Name">Architecture name.</param>
/// <param name="Result">Its scores, predictions and the baselines on the same images.</param>
public sealed record ScoredModel(string Name, EvaluationResult Result);

/// <summary>The headline scores of several models and both baselines, as DataFrames and as terminal text.</summary>
public static class ScoreTables
{
    /// <summary>The columns shown: coco-caption BLEU-1..4, CIDEr-D, ROUGE-L.</summary>
    public static IReadOnlyList<(Metric Metric, string Name)> Columns { get; } =
    [
        (Metric.CocoBleu1, "BLEU-1"), (Metric.CocoBleu2, "BLEU-2"), (Metric.CocoBleu3, "BLEU-3"), (Metric.CocoBleu4, "BLEU-4"),
        (Metric.Cider, "CIDEr-D"), (Metric.RougeL, "ROUGE-L"),
    ];

    /// <summary>Every model, then the first model's baselines (all were scored on the same images) as "baseline: NAME".</summary>
    public static IReadOnlyList<(string Name, ScoreReport Report)> Rows(IReadOnlyList<ScoredModel> models)
    {
        if (models.Count == 0) throw new CaptioningException("no evaluated models to show; evaluate at least one run");
        return models.Select(m => (m.Name, m.Result.Model))
            .Concat(models[0].Result.Baselines.Select(b => ("baseline: " + b.Key, b.Value))).ToList();
    }

    /// <summary>
    /// The scores as a DataFrame to sort and filter: one row per model and baseline (as <see cref="Rows"/>), and per
    /// metric its score x100 and the 95% interval's ends ("BLEU-4", "BLEU-4 low", "BLEU-4 high"; empty without intervals).
    /// </summary>
    public static DataFrame Frame(IReadOnlyList<ScoredModel> models)
    {
        KernelFormatters.EnsureRegistered();
        var rows = Rows(models);
        var columns = new List<DataFrameColumn> { new StringDataFrameColumn("model", rows.Select(r => r.Name)) };
        foreach (var (metric, name) in Columns)
        {
            columns.Add(new DoubleDataFrameColumn(name, rows.Select(r => r.Report.Values[metric] * 100)));
            columns.Add(new DoubleDataFrameColumn(name + " low", rows.Select(r => r.Report.Intervals.TryGetValue(metric, out var i) ? i.Lower * 100 : (double?)null)));
            columns.Add(new DoubleDataFrameColumn(name + " high", rows.Select(r => r.Report.Intervals.TryGetValue(metric, out var i) ? i.Upper * 100 : (double?)null)));
        }
        return new DataFrame(columns);
    }

    /// <summary>
    /// BLEU-1..4 x100 two ways, one row per model and baseline: coco-caption's (the papers' and the table's) and NLTK's
    /// corpus_bleu with the Keras tutorial's weights, (1,0,0,0), (.5,.5,0,0), (.3,.3,.3,0) and (.25,.25,.25,.25).
    /// </summary>
    public static DataFrame BleuFrame(IReadOnlyList<ScoredModel> models)
    {
        KernelFormatters.EnsureRegistered();
        var rows = Rows(models);
        var columns = new List<DataFrameColumn> { new StringDataFrameColumn("model", rows.Select(r => r.Name)) };
        Metric[] coco = [Metric.CocoBleu1, Metric.CocoBleu2, Metric.CocoBleu3, Metric.CocoBleu4];
        Metric[] nltk = [Metric.NltkBleu1, Metric.NltkBleu2, Metric.NltkBleu3, Metric.NltkBleu4];
        for (var n = 0; n < 4; n++)
        {
            var (c, k) = (coco[n], nltk[n]);
            columns.Add(new DoubleDataFrameColumn($"coco BLEU-{n + 1}", rows.Select(r => r.Report.Values[c] * 100)));
            columns.Add(new DoubleDataFrameColumn($"NLTK BLEU-{n + 1}", rows.Select(r => r.Report.Values[k] * 100)));
        }
        return new DataFrame(columns);
    }

    /// <summary>
    /// Every model's per-image scores x100 as a DataFrame, one row per model and test image (models in order, images by
    /// id): model, image, BLEU-4, CIDEr-D, ROUGE-L. Sorting it by CIDEr-D finds the images a model gets most wrong.
    /// </summary>
    public static DataFrame PerImage(IReadOnlyList<ScoredModel> models)
    {
        KernelFormatters.EnsureRegistered();
        var rows = models.SelectMany(m => m.Result.Model.PerImage.Select(p => (m.Name, Score: p))).ToList();
        return new DataFrame(
            new StringDataFrameColumn("model", rows.Select(r => r.Name)),
            new StringDataFrameColumn("image", rows.Select(r => r.Score.ImageId)),
            new DoubleDataFrameColumn("BLEU-4", rows.Select(r => r.Score.Bleu4 * 100)),
            new DoubleDataFrameColumn("CIDEr-D", rows.Select(r => r.Score.Cider * 100)),
            new DoubleDataFrameColumn("ROUGE-L", rows.Select(r => r.Score.RougeL * 100)));
    }

    /// <summary>The same table as fixed-width text for a terminal.</summary>
    public static string Text(IReadOnlyList<ScoredModel> models, int beamSize)
    {
        var rows = Rows(models);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{models[0].Result.Split.ToString().ToLowerInvariant()} split, {models[0].Result.Model.Images} images, beam {beamSize}; scores x100 with 95% bootstrap intervals");
        text.Append($"{"model",-30}");
        foreach (var (_, name) in Columns) text.Append($"{name,20}");
        text.AppendLine();
        foreach (var (name, report) in rows)
        {
            text.Append($"{name,-30}");
            foreach (var (metric, _) in Columns)
            {
                var cell = F(report.Values[metric]);
                if (report.Intervals.TryGetValue(metric, out var i)) cell += $" [{F(i.Lower)},{F(i.Upper)}]";
                text.Append($"{cell,20}");
            }
            text.AppendLine();
        }
        return text.ToString();
    }

    private static string F(double v) => (v * 100).ToString("F1", CultureInfo.InvariantCulture);
}
