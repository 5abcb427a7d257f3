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
        var json = curves.ToFigure().ToJson();
        Assert.Contains("merge (validation)", json);
        Assert.Contains("4.7", json);
        Assert.StartsWith("<div class=\"plotly-figure\"", curves.ToHtml());
    }

    [Fact]
    public void ToString_SummarisesTheLastEpoch()
    {
        var curves = new LossCurves("t").Add("merge", Epoch(1, 4.0, 4.5)).Add("merge", Epoch(2, 3.0, 3.5));
        Assert.Equal("t\nmerge: 2 epochs, last train loss 3.0000, val loss 3.5000", curves.ToString());
    }
}
