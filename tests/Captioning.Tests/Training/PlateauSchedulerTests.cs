using Captioning.Tests.Cli;
using Captioning.Training;
using Xunit;

namespace Captioning.Tests.Training;

/// <summary>
/// The demo preset's reduce-on-plateau (patience 1, factor 0.5) through `caption train`: the learning rates a run records
/// equal torch's ReduceLROnPlateau fed the same validation losses, and survive an interruption just before the drop.
/// </summary>
[Trait("Category", "Slow")]
[Collection(TrainedRunsCollection.Name)]
public sealed class PlateauSchedulerTests(TrainedRunsFixture fixture) : NativeLeakGuard
{
    private const int Epochs = 8;

    // At lr 0.03 the tiny dataset overfits after a few epochs, so the validation loss plateaus well within 8 epochs.
    private static readonly string[] Recipe = ["--seed", "3", "--lr", "0.03"];

    private static List<double> Rates(string run) => new RunFolder(run).ReadMetrics().Select(m => m.LearningRate).ToList();

    // The first epoch that ran at a lower rate than the one before it.
    private static int FirstDrop(IReadOnlyList<double> rates) => Enumerable.Range(1, rates.Count - 1).First(i => rates[i] < rates[i - 1]) + 1;

    [Fact]
    public void Plateau_LowersTheRateByTheFactorAtTheEpochTorchDoes()
    {
        var metrics = new RunFolder(fixture.Shared(Epochs, Recipe)).ReadMetrics();
        Assert.Equal(Epochs, metrics.Count);
        var preset = TrainingPreset.Demo.Training;
        Assert.Equal((1, 0.5), (preset.PlateauPatience, preset.PlateauFactor));
        var expected = PlateauOracle.LearningRates(0.03, 0.5, 1, metrics.SkipLast(1).Select(m => m.ValidationLoss));
        Assert.Equal(expected, metrics.Select(m => m.LearningRate));
        var drop = FirstDrop(expected);
        Assert.Equal(0.015, metrics[drop - 1].LearningRate);
        Assert.Equal(0.03, metrics[drop - 2].LearningRate);
    }

    [Fact]
    public void Plateau_StateSurvivesAResumeBetweenTheFirstBadEpochAndTheDrop()
    {
        var whole = new RunFolder(fixture.Shared(Epochs, Recipe)).ReadMetrics();
        var drop = FirstDrop(whole.Select(m => m.LearningRate).ToList());
        // With patience 1 the two epochs before the drop did not improve; stopping after the first of them leaves the
        // scheduler with one bad epoch counted, which only a restored state remembers.
        var stop = drop - 2;
        Assert.True(stop >= 2, $"the rate dropped at epoch {drop}; the test needs an improving epoch before the plateau");
        Assert.True(whole[stop - 1].ValidationLoss >= whole.Take(stop - 1).Min(m => m.ValidationLoss), "the epoch before the resume point improved");

        var run = fixture.Train("plateau-resumed", stop, Recipe);
        var (code, _, stderr) = CliRunner.Run(fixture.TrainArgs(run, Epochs, [.. Recipe, "--resume"]));
        Assert.True(code == 0, stderr);
        var resumed = new RunFolder(run).ReadMetrics();
        Assert.Equal(whole.Select(m => m.LearningRate), resumed.Select(m => m.LearningRate));
        Assert.Equal(whole.Select(m => m.ValidationLoss), resumed.Select(m => m.ValidationLoss));
    }
}
