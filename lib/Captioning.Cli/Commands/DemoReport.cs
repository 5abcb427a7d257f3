using System.Globalization;
using System.Text;
using Captioning.Evaluation;
using Captioning.Notebooks;
using Captioning.Reports;
using Captioning.Training;

namespace Captioning.Cli.Commands;

/// <summary>One trained demo model: its name, run folder and test-split evaluation.</summary>
internal sealed record DemoRun(string Name, RunFolder Run, EvaluationResult Result);

/// <summary>The demo's closing table and its HTML summary page.</summary>
internal static class DemoReport
{
    private static readonly (Metric Metric, string Name)[] Columns =
    [
        (Metric.CocoBleu1, "BLEU-1"), (Metric.CocoBleu2, "BLEU-2"), (Metric.CocoBleu3, "BLEU-3"), (Metric.CocoBleu4, "BLEU-4"),
        (Metric.Cider, "CIDEr-D"), (Metric.RougeL, "ROUGE-L"),
    ];

    private static IEnumerable<(string Name, ScoreReport Report)> Rows(IReadOnlyList<DemoRun> results) =>
        results.Select(r => (r.Name, r.Result.Model))
            .Concat(results[0].Result.Baselines.Select(b => ("baseline: " + b.Key, b.Value)));

    /// <summary>Test-split scores x100 (coco-caption BLEU, CIDEr-D, ROUGE-L) with 95% bootstrap intervals.</summary>
    internal static string Table(IReadOnlyList<DemoRun> results)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"test split, {results[0].Result.Model.Images} images, beam 3; scores x100 with 95% bootstrap intervals");
        text.Append($"{"model",-30}");
        foreach (var (_, name) in Columns) text.Append($"{name,20}");
        text.AppendLine();
        foreach (var (name, report) in Rows(results))
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

    /// <summary>Writes index.html (table, bar chart, loss curves, gallery) into <paramref name="folder"/>; returns its path.</summary>
    internal static string Write(string folder, string dataDir, IReadOnlyList<DemoRun> results)
    {
        Directory.CreateDirectory(folder);
        var body = new StringBuilder("<h1>Merge vs inject on the synthetic dataset</h1>\n");
        body.Append("<p>Every model was trained on the same small-cnn features with the same budget and decoded with beam 3. ")
            .Append("Scores are coco-caption BLEU, CIDEr-D and ROUGE-L on the test split, with 95% bootstrap intervals over images; ")
            .Append("the two baselines show what copying a caption already achieves.</p>\n");
        var table = new MetricTable(Columns.Select(c => c.Name).ToList(), "Test-split scores", decimals: 3);
        foreach (var (name, report) in Rows(results))
            table.AddRow(name, Columns.Select(c => report.Values[c.Metric]).ToList(),
                Columns.Select(c => report.Intervals.TryGetValue(c.Metric, out var i) ? (i.Lower, i.Upper) : (double.NaN, double.NaN)).ToList());
        body.Append(table.ToHtml());

        var rows = Rows(results).ToList();
        var bars = new Figure("BLEU-4 and CIDEr-D by model (95% intervals)", "model", "score");
        foreach (var metric in new[] { Metric.CocoBleu4, Metric.Cider })
        {
            var values = rows.Select(r => r.Report.Values[metric]).ToList();
            var errors = rows.Select(r => r.Report.Intervals.TryGetValue(metric, out var i) ? (i.Upper - i.Lower) / 2 : 0).ToList();
            bars.AddBar(metric == Metric.Cider ? "CIDEr-D" : "BLEU-4", rows.Select(r => r.Name).ToList(), values, errors);
        }
        body.Append(bars.ToHtml());

        var curves = new Figure("Validation loss per epoch", "epoch", "cross-entropy per word");
        foreach (var (name, run, _) in results)
        {
            var history = run.ReadMetrics();
            curves.AddLine(name, history.Select(h => (double)h.Epoch).ToList(), history.Select(h => h.ValidationLoss).ToList());
        }
        body.Append(curves.ToHtml());

        var merge = results[0].Result;
        var gallery = new CaptionGallery($"Test images captioned by {results[0].Name}", thumbnailSize: 160);
        var perImage = merge.Model.PerImage.ToDictionary(p => p.ImageId);
        foreach (var (id, caption) in merge.Predictions.Take(12))
        {
            var path = Path.Combine(dataDir, "Flickr8k_Dataset", id + ".jpg");
            var scores = perImage.GetValueOrDefault(id);
            gallery.AddFile(id, path, caption, merge.References[id], scores?.Bleu4, scores?.Cider);
        }
        body.Append(gallery.ToHtml());
        var path2 = Path.Combine(folder, "index.html");
        HtmlReportWriter.WritePage(path2, "Captioning workbook demo", body.ToString());
        return path2;
    }
}
