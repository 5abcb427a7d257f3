using System.Text.Json;
using Captioning.Data;
using Captioning.Features;
using Captioning.Inference;
using Captioning.Training;
using TorchSharp;
using Xunit;

namespace Captioning.Tests.Cli;

/// <summary>
/// A merge run trained on float32 features of <see cref="PipelineFixture"/>'s dataset. float32 keeps the stored rows
/// equal to what the encoder gives a photo now, so `describe` and `evaluate` see the same numbers for a test image.
/// </summary>
public sealed class EvaluatedRunFixture : IDisposable
{
    public EvaluatedRunFixture()
    {
        Pipeline = new PipelineFixture();
        Features = Pipeline.NewFolder("float32") + ".feat";
        var (code, _, stderr) = CliProcess.Run("extract", "--data", Pipeline.Data, "--encoder", "small-cnn", "--weights", Pipeline.Weights,
            "--dtype", "float32", "--out", Features, "--threads", "1");
        Assert.True(code == 0, stderr);
        Run = Pipeline.NewFolder("run");
        (code, _, stderr) = CliProcess.Run("train", "--data", Pipeline.Data, "--features", Features, "--preset", "demo", "--model", "merge",
            "--epochs", "3", "--batch", "16", "--threads", "1", "--out", Run);
        Assert.True(code == 0, stderr);
    }

    public PipelineFixture Pipeline { get; }

    /// <summary>The float32 feature store the run was trained on.</summary>
    public string Features { get; }

    /// <summary>The trained run folder.</summary>
    public string Run { get; }

    public void Dispose() => Pipeline.Dispose();
}

[Trait("Category", "Slow")]
public sealed class EvaluateEqualityTests(EvaluatedRunFixture fixture) : NativeLeakGuard, IClassFixture<EvaluatedRunFixture>
{
    private const int MaxLength = 12;

    [Fact]
    public void EvaluateJson_EqualsScoreOfItsOwnPredictionsFile()
    {
        var (code, stdout, stderr) = CliProcess.Run("evaluate", "--run", fixture.Run, "--split", "test", "--beam", "3", "--max-length", MaxLength.ToString(),
            "--bootstrap", "40", "--seed", "17", "--json", "--threads", "1");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var predictions = json.RootElement.GetProperty("predictions").GetString()!;
        Assert.Equal(Path.Combine(fixture.Run, "predictions", "test-beam3.tsv"), predictions);
        ScoreOracle.AssertEqualsScoreOf(fixture.Pipeline.Data, Split.Test, predictions, json.RootElement, bootstrap: 40, seed: 17);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Describe_GivesEachTestImageTheCaptionEvaluateGaveIt(int beam)
    {
        var test = DatasetPreparer.Load(fixture.Pipeline.Data, null, new PrepareOptions()).InSplit(Split.Test);
        var (code, _, stderr) = CliProcess.Run("evaluate", "--run", fixture.Run, "--split", "test", "--beam", beam.ToString(),
            "--max-length", MaxLength.ToString(), "--bootstrap", "0", "--json", "--threads", "1");
        Assert.True(code == 0, stderr);
        var evaluated = File.ReadAllLines(Path.Combine(fixture.Run, "predictions", $"test-beam{beam}.tsv"));
        Assert.Equal(test.Select(i => i.Id), evaluated.Select(line => line.Split('\t')[0]));

        string stdout;
        (code, stdout, stderr) = CliProcess.Run(["describe", "--run", fixture.Run, "--weights", fixture.Pipeline.Weights, "--beam", beam.ToString(),
            "--max-length", MaxLength.ToString(), "--json", "--threads", "1", .. test.Select(i => i.Path)]);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var described = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(test.Select(i => i.Path), described.Select(d => d.GetProperty("image").GetString()));
        Assert.Equal(evaluated.Select(line => line.Split('\t')[1]), described.Select(d => d.GetProperty("caption").GetString()));

        // Captions of a weak model often agree across beams; log-probabilities do not, so these catch a describe
        // that decodes with another beam than asked. The reference decodes the stored rows as evaluate does.
        var asked = DecodeStored(test, beam);
        Assert.Equal(asked, described.Select(d => d.GetProperty("log_probability").GetDouble()), (a, b) => Math.Abs(a - b) < 1e-4);
        var other = DecodeStored(test, beam == 1 ? 3 : 1);
        Assert.Contains(asked.Zip(other), pair => Math.Abs(pair.First - pair.Second) > 1e-3);
    }

    // Log-probabilities of the best captions of the stored features of the images, in order.
    private double[] DecodeStored(IReadOnlyList<CaptionedImage> images, int beam)
    {
        using var scope = torch.NewDisposeScope();
        using var store = FeatureStore.Open(fixture.Features);
        using var model = new RunFolder(fixture.Run).LoadModel();
        var features = store.ReadIds(images.Select(i => i.Id).ToList()); // (N, D)
        return CaptionDecoder.Decode(model, features, new DecodeOptions(BeamSize: beam, MaxLength: MaxLength)).Select(d => d.LogProbability).ToArray();
    }
}
