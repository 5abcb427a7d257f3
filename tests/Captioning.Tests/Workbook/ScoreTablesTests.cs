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
    public void Table_HasOneRowPerModelAndBaseline()
    {
        var table = ScoreTables.Table([Model("merge", 0.3), Model("init-inject", 0.35)]);
        Assert.Equal(4, table.RowCount);
        Assert.Contains("35.0 [34.0, 37.0]", table.ToString());
        Assert.Contains("test split, 2 images", table.Title);
    }

    [Fact]
    public void Rows_ThrowsWithoutModels()
    {
        Assert.Contains("no evaluated models", Assert.Throws<CaptioningException>(() => ScoreTables.Rows([])).Message);
    }
}
