using System.Globalization;
using System.Text;
using Captioning.Evaluation;
using Captioning.Reports;

namespace Captioning.Workbook;

/// <summary>One model's evaluation under its name.</summary>
/// <param name="Name">Architecture name.</param>
/// <param name="Result">Its scores, predictions and the baselines on the same images.</param>
public sealed record ScoredModel(string Name, EvaluationResult Result);

/// <summary>The headline scores of several models and both baselines, as an HTML table and as terminal text.</summary>
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

    /// <summary>Scores x100 with their 95% intervals, the best per column in bold.</summary>
    public static MetricTable Table(IReadOnlyList<ScoredModel> models, string? title = null)
    {
        var first = models.Count > 0 ? models[0].Result : null;
        var table = new MetricTable(Columns.Select(c => c.Name).ToList(),
            title ?? $"{first?.Split.ToString().ToLowerInvariant()} split, {first?.Model.Images} images: scores x100 with 95% bootstrap intervals", decimals: 1);
        foreach (var (name, report) in Rows(models))
            table.AddRow(name, Columns.Select(c => report.Values[c.Metric] * 100).ToList(),
                report.Intervals.Count == 0 ? null
                    : Columns.Select(c => report.Intervals.TryGetValue(c.Metric, out var i) ? (i.Lower * 100, i.Upper * 100) : (double.NaN, double.NaN)).ToList());
        return table;
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
