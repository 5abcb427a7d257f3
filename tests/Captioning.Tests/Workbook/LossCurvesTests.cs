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
    public void ToFigure_OneSeed_HasAValidationLineADashedTrainingLineAndABestEpochStarPerModelInOneColour()
    {
        var curves = new LossCurves().Add("merge", Epoch(1, 4.0, 4.5)).Add("merge", Epoch(2, 3.0, 3.75)).Add("merge", Epoch(3, 2.0, 4.0))
            .Add("init-inject", Epoch(1, 4.2, 4.7));
        Assert.Equal(6, curves.ToFigure().TraceCount);
        Assert.Equal(4, curves.ToFigure(includeTraining: false).TraceCount);
        var traces = System.Text.Json.Nodes.JsonNode.Parse(curves.ToFigure().ToJson())!["data"]!.AsArray();
        Assert.Equal(["merge (validation)", "merge (training)", "merge (best epoch)", "init-inject (validation)", "init-inject (training)", "init-inject (best epoch)"],
            traces.Select(t => (string)t!["name"]!));
        // One colour per model (the palette's first two), training dashed, validation solid.
        Assert.Equal(["#0072B2", "#0072B2", "#0072B2", "#E69F00", "#E69F00", "#E69F00"],
            traces.Select(t => (string)(t!["line"]?["color"] ?? t["marker"]!["color"])!));
        Assert.Equal("solid", (string)traces[0]!["line"]!["dash"]!);
        Assert.Equal("dash", (string)traces[1]!["line"]!["dash"]!);
        // The star sits on epoch 2, the lowest validation loss, not on the last epoch.
        Assert.Equal((2.0, 3.75), ((double)traces[2]!["x"]![0]!, (double)traces[2]!["y"]![0]!));
        Assert.Equal("star", (string)traces[2]!["marker"]!["symbol"]!);
        Assert.Equal(4.7, (double)traces[3]!["y"]![0]!);
        Assert.Equal(4.2, (double)traces[4]!["y"]![0]!);
        Assert.Contains("one seed", curves.ToFigure().Title);
        Assert.StartsWith("<div class=\"plotly-figure\"", curves.ToHtml());
    }

    [Fact]
    public void ToFigure_SeveralSeeds_DrawsTheMeanWithABandFromTheLowestToTheHighestSeed()
    {
        var curves = new LossCurves()
            .Add("merge", Epoch(1, 4.0, 4.5), seed: 1).Add("merge", Epoch(2, 3.0, 3.5), seed: 1)
            .Add("merge", Epoch(1, 5.0, 5.5), seed: 2).Add("merge", Epoch(2, 2.0, 3.0), seed: 2);
        Assert.Equal([1, 2], curves.Seeds("merge"));
        Assert.Equal(5.5, curves.History("merge", 2)[0].ValidationLoss);
        var traces = System.Text.Json.Nodes.JsonNode.Parse(curves.ToFigure().ToJson())!["data"]!.AsArray();
        Assert.Equal(["merge (seed range)", "merge (validation)", "merge (training)", "merge (best epoch)"], traces.Select(t => (string)t!["name"]!));
        // The band's outline: the highest seed forward, the lowest back.
        Assert.Equal([1.0, 2.0, 2.0, 1.0], traces[0]!["x"]!.AsArray().Select(v => (double)v!));
        Assert.Equal([5.5, 3.5, 3.0, 4.5], traces[0]!["y"]!.AsArray().Select(v => (double)v!));
        Assert.Equal("toself", (string)traces[0]!["fill"]!);
        Assert.False((bool)traces[0]!["showlegend"]!);
        Assert.Equal([5.0, 3.25], traces[1]!["y"]!.AsArray().Select(v => (double)v!));
        Assert.Equal([4.5, 2.5], traces[2]!["y"]!.AsArray().Select(v => (double)v!));
        Assert.Equal((2.0, 3.25), ((double)traces[3]!["x"]![0]!, (double)traces[3]!["y"]![0]!));
        Assert.Contains("mean of 2 seeds, band: lowest to highest seed", curves.ToFigure().Title);
    }

    [Fact]
    public void Comparison_IsComputedFromTheRuns_AndSaysWhetherTheSeedsSeparateTheModels()
    {
        Assert.Equal("No model has finished an epoch yet.", new LossCurves().Comparison());
        var one = new LossCurves().Add("merge", Epoch(1, 4.0, 3.5)).Add("par-inject", Epoch(1, 4.0, 3.25));
        Assert.Equal("Best validation loss per model, one seed, lowest first: par-inject 3.250, merge 3.500. The gap from par-inject to merge is 0.250, " +
            "but with one seed per model nothing shows how much of it another seed would change: set seeds = 2 or more before reading the order.", one.Comparison());

        LossCurves Two(double merge1, double merge2, double par1, double par2, double pre1, double pre2) => new LossCurves()
            .Add("merge", Epoch(1, 4, merge1), 1).Add("merge", Epoch(1, 4, merge2), 2)
            .Add("par-inject", Epoch(1, 4, par1), 1).Add("par-inject", Epoch(1, 4, par2), 2)
            .Add("pre-inject", Epoch(1, 4, pre1), 1).Add("pre-inject", Epoch(1, 4, pre2), 2);
        Assert.EndsWith("merge's worst seed is still below every other model's best seed: on this data it is ahead beyond what a change of seed moves.",
            Two(1.0, 1.25, 2.0, 2.5, 3.0, 3.5).Comparison());
        Assert.Equal("Best validation loss per model, mean of 2 seeds, lowest first: merge 1.500 (seeds 1.000-2.000), par-inject 1.750 (seeds 1.500-2.000), " +
            "pre-inject 3.250 (seeds 3.000-3.500). par-inject overlaps merge's seed range (not separated by these seeds); pre-inject is behind beyond the seeds' spread.",
            Two(1.0, 2.0, 1.5, 2.0, 3.0, 3.5).Comparison());
        Assert.EndsWith("Every model's seed range overlaps merge's: with these seeds, no model is shown to fit the validation captions better than another.",
            Two(1.0, 2.0, 1.5, 2.0, 1.75, 1.8).Comparison());
    }

    [Fact]
    public void ToFrame_HasARowPerModelSeedAndEpoch()
    {
        var curves = new LossCurves().Add("merge", Epoch(2, 3.0, 3.5)).Add("merge", Epoch(1, 4.0, 4.5)).Add("init-inject", Epoch(1, 4.2, 4.7), seed: 3);
        var frame = curves.ToFrame();
        Assert.Equal(["model", "seed", "epoch", "train loss", "validation loss", "learning rate", "seconds", "best"], frame.Columns.Select(c => c.Name));
        Assert.Equal(["merge", "merge", "init-inject"], frame["model"].Cast<string>());
        Assert.Equal([1, 1, 3], frame["seed"].Cast<int?>());
        Assert.Equal([1, 2, 1], frame["epoch"].Cast<int?>());
        Assert.Equal([4.0, 3.0, 4.2], frame["train loss"].Cast<double?>());
        Assert.Equal([4.5, 3.5, 4.7], frame["validation loss"].Cast<double?>());
        Assert.Equal(2, (int?)frame.OrderBy("validation loss")["epoch"][0]);
    }

    [Fact]
    public void ToString_SummarisesTheLastEpochOfEachRun()
    {
        var curves = new LossCurves("t").Add("merge", Epoch(1, 4.0, 4.5)).Add("merge", Epoch(2, 3.0, 3.5)).Add("merge", Epoch(1, 4.5, 5.0), seed: 2);
        Assert.Equal("t\nmerge seed 1: 2 epochs, last train loss 3.0000, val loss 3.5000\nmerge seed 2: 1 epochs, last train loss 4.5000, val loss 5.0000", curves.ToString());
    }
}
