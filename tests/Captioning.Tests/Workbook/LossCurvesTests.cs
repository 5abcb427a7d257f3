using Captioning.Training;
using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Workbook;

public class LossCurvesTests
{
    private static EpochMetrics Epoch(int n, double train, double val) => new(n, train, val, 1e-3, 100, 1, false);

    [Fact]
    public void Add_KeepsEpochOrderAndReplacesARepeatedEpoch()
    {
        var curves = new LossCurves();
        curves.Add("merge", Epoch(2, 3.0, 3.5)).Add("merge", Epoch(1, 4.0, 4.5)).Add("merge", Epoch(2, 2.5, 3.25));
        curves.Add("par-inject", Epoch(1, 5.0, 5.5));
        Assert.Equal(["merge", "par-inject"], curves.Models);
        Assert.Equal([1, 2], curves.History("merge").Select(e => e.Epoch));
        Assert.Equal(3.25, curves.History("merge")[1].ValidationLoss);
        Assert.Empty(curves.History("pre-inject"));
    }

    [Fact]
    public void ToFigure_HasAValidationAndATrainingLinePerModel()
    {
        var curves = new LossCurves().Add("merge", Epoch(1, 4.0, 4.5)).Add("init-inject", Epoch(1, 4.2, 4.7));
        Assert.Equal(4, curves.ToFigure().TraceCount);
        Assert.Equal(2, curves.ToFigure(includeTraining: false).TraceCount);
        var traces = System.Text.Json.Nodes.JsonNode.Parse(curves.ToFigure().ToJson())!["data"]!.AsArray();
        Assert.Equal(["merge (validation)", "merge (training)", "init-inject (validation)", "init-inject (training)"], traces.Select(t => (string)t!["name"]!));
        Assert.Equal(4.7, (double)traces[2]!["y"]![0]!);
        Assert.Equal(4.2, (double)traces[3]!["y"]![0]!);
        Assert.StartsWith("<div class=\"plotly-figure\"", curves.ToHtml());
    }

    [Fact]
    public void ToFrame_HasARowPerModelAndEpoch()
    {
        var curves = new LossCurves().Add("merge", Epoch(2, 3.0, 3.5)).Add("merge", Epoch(1, 4.0, 4.5)).Add("init-inject", Epoch(1, 4.2, 4.7));
        var frame = curves.ToFrame();
        Assert.Equal(["model", "epoch", "train loss", "validation loss", "learning rate", "seconds", "best"], frame.Columns.Select(c => c.Name));
        Assert.Equal(["merge", "merge", "init-inject"], frame["model"].Cast<string>());
        Assert.Equal([1, 2, 1], frame["epoch"].Cast<int?>());
        Assert.Equal([4.0, 3.0, 4.2], frame["train loss"].Cast<double?>());
        Assert.Equal([4.5, 3.5, 4.7], frame["validation loss"].Cast<double?>());
        Assert.Equal(2, (int?)frame.OrderBy("validation loss")["epoch"][0]);
    }

    [Fact]
    public void ToString_SummarisesTheLastEpoch()
    {
        var curves = new LossCurves("t").Add("merge", Epoch(1, 4.0, 4.5)).Add("merge", Epoch(2, 3.0, 3.5));
        Assert.Equal("t\nmerge: 2 epochs, last train loss 3.0000, val loss 3.5000", curves.ToString());
    }
}
