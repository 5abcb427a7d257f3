using System.Globalization;
using System.Text.Json.Nodes;
using Captioning.Tests.Training;
using Captioning.Training;
using Xunit;

namespace Captioning.Tests.Cli;

/// <summary>`caption train --lr/--clip/--patience/--seed/--label-smoothing/--weight-decay`: recorded, range-checked, and each changes training.</summary>
[Trait("Category", "Slow")]
[Collection(TrainedRunsCollection.Name)]
public sealed class TrainOptionsTests(TrainedRunsFixture fixture) : NativeLeakGuard
{
    // The reference run every comparison below differs from in one option only.
    private string Baseline => fixture.Shared(1, "--seed", "3");

    private static string Best(string run) => Path.Combine(run, "checkpoints", "best.safetensors");

    private static IReadOnlyList<EpochMetrics> Metrics(string run) => new RunFolder(run).ReadMetrics();

    // Largest absolute difference between two checkpoints' weights of the same names.
    private static double MaxDifference(string a, string b)
    {
        var (x, y) = (SafeTensorsFloats.Read(a), SafeTensorsFloats.Read(b));
        Assert.Equal(x.Keys.Order(StringComparer.Ordinal), y.Keys.Order(StringComparer.Ordinal));
        return x.Max(kv => kv.Value.Zip(y[kv.Key], (p, q) => Math.Abs((double)p - q)).Max());
    }

    [Fact]
    public void Train_OptionsAreRecordedInConfig()
    {
        var run = fixture.Train("recorded", 1, "--lr", "0.002", "--clip", "0.5", "--patience", "2", "--seed", "9", "--label-smoothing", "0.1", "--weight-decay", "0.01");
        var training = TrainedRunsFixture.TrainingConfig(run);
        Assert.Equal(0.002, training["LearningRate"]!.GetValue<double>());
        Assert.Equal(0.5, training["ClipNorm"]!.GetValue<double>());
        Assert.Equal(2, training["Patience"]!.GetValue<int>());
        Assert.Equal(9, training["Seed"]!.GetValue<int>());
        Assert.Equal(0.1, training["LabelSmoothing"]!.GetValue<double>());
        Assert.Equal(0.01, training["WeightDecay"]!.GetValue<double>());
        // The epoch ran at the requested rate.
        Assert.Equal(0.002, Assert.Single(Metrics(run)).LearningRate);
    }

    [Fact]
    public void Train_Seed_SameSeedGivesIdenticalCheckpointsAnotherSeedOtherWeights()
    {
        var again = fixture.Train("seed3", 1, "--seed", "3");
        Assert.Equal(File.ReadAllBytes(Best(Baseline)), File.ReadAllBytes(Best(again)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(Baseline, "checkpoints", "last.safetensors")), File.ReadAllBytes(Path.Combine(again, "checkpoints", "last.safetensors")));
        var other = fixture.Train("seed4", 1, "--seed", "4");
        Assert.Equal(4, TrainedRunsFixture.TrainingConfig(other)["Seed"]!.GetValue<int>());
        Assert.True(MaxDifference(Best(Baseline), Best(other)) > 1e-3);
    }

    [Fact]
    public void Train_LearningRateAndClip_ChangeTheWeights()
    {
        var slower = fixture.Train("lr", 1, "--seed", "3", "--lr", "0.0005");
        Assert.Equal(0.0005, Assert.Single(Metrics(slower)).LearningRate);
        Assert.Equal(TrainingPreset.Demo.Training.LearningRate, Assert.Single(Metrics(Baseline)).LearningRate);
        Assert.True(MaxDifference(Best(Baseline), Best(slower)) > 1e-3);

        // The demo preset clips at 5; 0.01 is below every step's gradient norm, so every step is rescaled.
        var clipped = fixture.Train("clip", 1, "--seed", "3", "--clip", "0.01");
        Assert.Equal(0.01, TrainedRunsFixture.TrainingConfig(clipped)["ClipNorm"]!.GetValue<double>());
        Assert.True(MaxDifference(Best(Baseline), Best(clipped)) > 1e-4);
    }

    [Fact]
    public void Train_WeightDecay_GivesASmallerWeightNorm()
    {
        var decayed = fixture.Train("decay", 1, "--seed", "3", "--weight-decay", "0.5");
        Assert.Equal(0.5, TrainedRunsFixture.TrainingConfig(decayed)["WeightDecay"]!.GetValue<double>());
        var (plain, shrunk) = (SafeTensorsFloats.Norm(Best(Baseline)), SafeTensorsFloats.Norm(Best(decayed)));
        Assert.True(shrunk < 0.98 * plain, $"weight norm {shrunk} with --weight-decay 0.5, {plain} without");
    }

    [Fact]
    public void Train_LabelSmoothing_ChangesTheTrainLossButNotTheValidationLoss()
    {
        // A learning rate of 1e-12 leaves the weights as initialised (steps far below float32 resolution), so both runs
        // score the same model: the training loss then differs only by the smoothing, and the validation loss not at all.
        var plain = Assert.Single(Metrics(fixture.Train("ls0", 1, "--seed", "3", "--lr", "1e-12")));
        var smoothedRun = fixture.Train("ls5", 1, "--seed", "3", "--lr", "1e-12", "--label-smoothing", "0.5");
        var smoothed = Assert.Single(Metrics(smoothedRun));
        Assert.Equal(0.5, TrainedRunsFixture.TrainingConfig(smoothedRun)["LabelSmoothing"]!.GetValue<double>());
        Assert.True(Math.Abs(smoothed.TrainLoss - plain.TrainLoss) > 1e-3, $"train loss {smoothed.TrainLoss} smoothed, {plain.TrainLoss} not");
        Assert.Equal(plain.ValidationLoss, smoothed.ValidationLoss, 1e-7);
    }

    [Fact]
    public void Train_Patience_StopsAtTheBestEpochPlusPatience()
    {
        // At lr 0.03 the tiny dataset overfits within a few epochs, so the validation loss stops improving early.
        var run = fixture.Pipeline.NewFolder("patience");
        var (code, stdout, stderr) = CliRunner.Run(fixture.TrainArgs(run, 30, "--seed", "3", "--lr", "0.03", "--patience", "2"));
        Assert.True(code == 0, stderr);
        var metrics = Metrics(run);
        var best = metrics.MinBy(m => m.ValidationLoss)!.Epoch;
        Assert.Equal(best + 2, metrics.Count);
        Assert.True(metrics.Count < 30, "the validation loss kept improving; the run never stopped early");
        Assert.Contains($"early-stopping: {best + 2} epochs, best epoch {best}", stdout);
    }

    [Theory]
    [InlineData("--label-smoothing", "1", "--label-smoothing must be in [0, 1), got 1")]
    [InlineData("--label-smoothing", "-0.1", "--label-smoothing must be in [0, 1), got -0.1")]
    [InlineData("--weight-decay", "-0.01", "--weight-decay must be >= 0 and finite, got -0.01")]
    [InlineData("--weight-decay", "NaN", "--weight-decay must be >= 0 and finite, got NaN")]
    [InlineData("--lr", "0", "--lr must be positive, got 0")]
    [InlineData("--clip", "-1", "--clip must be >= 0, got -1")]
    [InlineData("--patience", "-1", "--patience")]
    public void Train_OutOfRangeValue_ExitsOneNamingTheOption(string option, string value, string message)
    {
        var run = fixture.Pipeline.NewFolder("bad");
        var (code, _, stderr) = CliRunner.Run(fixture.TrainArgs(run, 1, option, value));
        Assert.Equal(1, code);
        Assert.StartsWith("error: " + message, stderr);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void Train_ResumeWithOtherLabelSmoothingOrWeightDecay_IsRefused()
    {
        var run = fixture.Train("resume", 1, "--seed", "3", "--weight-decay", "0.01");
        var (code, _, stderr) = CliRunner.Run(fixture.TrainArgs(run, 2, "--seed", "3", "--resume", "--label-smoothing", "0.1"));
        Assert.Equal(1, code);
        Assert.Contains("other training settings", stderr);
        Assert.Contains("LabelSmoothing 0 (now 0.1), WeightDecay 0.01 (now 0)", stderr);
        Assert.Contains("--label-smoothing, --weight-decay, --word-vectors and --freeze-embeddings", stderr);
        // With the original settings and more epochs it continues.
        (code, _, stderr) = CliRunner.Run(fixture.TrainArgs(run, 2, "--seed", "3", "--resume", "--weight-decay", "0.01"));
        Assert.True(code == 0, stderr);
        Assert.Equal([1, 2], Metrics(run).Select(m => m.Epoch));
    }
}
