using Captioning.Data;
using Captioning.Evaluation;
using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Workbook;

public class ScoreTablesTests
{
    private static ScoreReport Report(double value, bool intervals) => new(
        MetricNames.All.ToDictionary(m => m, _ => value), 2, [],
        intervals ? MetricNames.All.ToDictionary(m => m, _ => new Interval(value - 0.01, value + 0.02)) : new Dictionary<Metric, Interval>(),
        BootstrapOptions.Default);

    private static ScoredModel Model(string name, double value) => new(name, new EvaluationResult(Split.Test, Report(value, true),
        new Dictionary<string, ScoreReport> { ["most-frequent"] = Report(0.05, false), ["nearest-neighbour"] = Report(0.25, true) },
        [], new Dictionary<string, IReadOnlyList<string>>(), "p.tsv"));

    [Fact]
    public void Rows_ListModelsThenTheFirstModelsBaselines()
    {
        var rows = ScoreTables.Rows([Model("merge", 0.3), Model("par-inject", 0.4)]);
        Assert.Equal(["merge", "par-inject", "baseline: most-frequent", "baseline: nearest-neighbour"], rows.Select(r => r.Name));
    }

    [Fact]
    public void Text_PrintsScoresTimes100WithIntervals()
    {
        var text = ScoreTables.Text([Model("merge", 0.3)], beamSize: 3).Split('\n');
        Assert.Equal("test split, 2 images, beam 3; scores x100 with 95% bootstrap intervals", text[0]);
        Assert.StartsWith("model", text[1]);
        Assert.Contains("BLEU-1", text[1]);
        Assert.Contains("ROUGE-L", text[1]);
        Assert.StartsWith("merge", text[2]);
        Assert.Equal(6, text[2].Split("30.0 [29.0,32.0]").Length - 1);
        Assert.Contains("5.0", text[3]);
        Assert.DoesNotContain("[", text[3]);
        Assert.StartsWith("baseline: nearest-neighbour", text[4]);
    }

    [Fact]
    public void Frame_HasAScoreAndIntervalColumnsPerMetricAndARowPerModelAndBaseline()
    {
        var frame = ScoreTables.Frame([Model("merge", 0.3), Model("init-inject", 0.35)]);
        Assert.Equal(["model", "BLEU-1", "BLEU-1 low", "BLEU-1 high", "BLEU-2", "BLEU-2 low", "BLEU-2 high", "BLEU-3", "BLEU-3 low", "BLEU-3 high",
            "BLEU-4", "BLEU-4 low", "BLEU-4 high", "CIDEr-D", "CIDEr-D low", "CIDEr-D high", "ROUGE-L", "ROUGE-L low", "ROUGE-L high"],
            frame.Columns.Select(c => c.Name));
        Assert.Equal(["merge", "init-inject", "baseline: most-frequent", "baseline: nearest-neighbour"], frame["model"].Cast<string>());
        Assert.Equal(new double?[] { 35, 34, 37 }, new[] { "CIDEr-D", "CIDEr-D low", "CIDEr-D high" }.Select(c => Round(frame[c][1])));
        Assert.Equal(new double?[] { 5, null, null }, new[] { "BLEU-4", "BLEU-4 low", "BLEU-4 high" }.Select(c => Round(frame[c][2]))); // no intervals
        // What a reader does in the next cell: sort by a metric, best first.
        Assert.Equal(["init-inject", "merge", "baseline: nearest-neighbour", "baseline: most-frequent"],
            frame.OrderByDescending("CIDEr-D")["model"].Cast<string>());
    }

    [Fact]
    public void PerImage_HasARowPerModelAndImageTimes100()
    {
        var image = new ImageScore("img1", 0.25, 1.5, 0.5);
        var report = Report(0.3, true) with { PerImage = [image, image with { ImageId = "img2", Cider = 0.5 }] };
        var merge = new ScoredModel("merge", new EvaluationResult(Split.Test, report, new Dictionary<string, ScoreReport>(), [], new Dictionary<string, IReadOnlyList<string>>(), "p.tsv"));
        var frame = ScoreTables.PerImage([merge, merge with { Name = "par-inject" }]);
        Assert.Equal(["model", "image", "BLEU-4", "CIDEr-D", "ROUGE-L"], frame.Columns.Select(c => c.Name));
        Assert.Equal(["merge", "merge", "par-inject", "par-inject"], frame["model"].Cast<string>());
        Assert.Equal(["img1", "img2", "img1", "img2"], frame["image"].Cast<string>());
        Assert.Equal(new double?[] { 25, 150, 50 }, new[] { "BLEU-4", "CIDEr-D", "ROUGE-L" }.Select(c => Round(frame[c][0])));
        var merged = frame.Filter(frame["model"].ElementwiseEquals("merge")).OrderBy("CIDEr-D");
        Assert.Equal(["img2", "img1"], merged["image"].Cast<string>());
    }

    private static double? Round(object? value) => value is double d ? Math.Round(d, 9) : null;

    [Fact]
    public void Rows_ThrowsWithoutModels()
    {
        Assert.Contains("no evaluated models", Assert.Throws<CaptioningException>(() => ScoreTables.Rows([])).Message);
    }

    [Fact]
    public void BleuFrame_PairsCocoAndNltkBleuPerOrder()
    {
        // Each metric gets its own value (0.01 * its position in the enum), so a swapped column shows.
        var values = MetricNames.All.ToDictionary(m => m, m => 0.01 * (int)m);
        var report = new ScoreReport(values, 2, [], new Dictionary<Metric, Interval>(), BootstrapOptions.Default);
        var model = new ScoredModel("merge", new EvaluationResult(Split.Test, report, new Dictionary<string, ScoreReport>(), [],
            new Dictionary<string, IReadOnlyList<string>>(), "p.tsv"));

        var frame = ScoreTables.BleuFrame([model]);

        Assert.Equal(["model", "coco BLEU-1", "NLTK BLEU-1", "coco BLEU-2", "NLTK BLEU-2", "coco BLEU-3", "NLTK BLEU-3", "coco BLEU-4", "NLTK BLEU-4"],
            frame.Columns.Select(c => c.Name));
        // CocoBleu1..4 are enum positions 0..3, NltkBleu1..4 positions 6..9; x100.
        Assert.Equal([0.0, 6, 1, 7, 2, 8, 3, 9], frame.Columns.Skip(1).Select(c => Math.Round((double)c[0]!, 9)));
    }
}
