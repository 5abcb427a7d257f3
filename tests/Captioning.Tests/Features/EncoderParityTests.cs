using Captioning.Tests.Cli;
using Captioning.Cli;
using Captioning.Features;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Captioning.Tests.Features;

/// <summary>
/// Each encoder loads a torchvision 0.14 state dict saved by Debian's python3-torchvision (random
/// weights, random batch-norm statistics) and must reproduce torchvision's features for the same input.
/// </summary>
[Trait("Category", "Oracle")]
public sealed class EncoderParityTests(ParityOracles oracles, ITestOutputHelper log) : NativeLeakGuard, IClassFixture<ParityOracles>
{
    private readonly TimeSpan cpuAtStart = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;

    // Features must agree within this fraction of their largest magnitude.
    private const double RelativeTolerance = 1e-4;

    [Fact]
    public void Vgg16_MatchesTorchvisionFc7()
    {
        var oracle = oracles.Get("vgg16");
        using (var encoder = new Vgg16Encoder())
        {
            EncoderWeights.Load(encoder, oracle.CheckpointPath);
            AssertSameFeatures(encoder, oracle, "features");
        }
        oracles.Delete("vgg16");
    }

    [Fact]
    public void ResNet50_MatchesTorchvisionPooledFeatures()
    {
        var oracle = oracles.Get("resnet50");
        using var encoder = new ResNet50Encoder();
        EncoderWeights.Load(encoder, oracle.CheckpointPath);
        AssertSameFeatures(encoder, oracle, "features");
    }

    [Fact]
    public void InceptionV3_MatchesTorchvisionWithAndWithoutTransformInput()
    {
        var oracle = oracles.Get("inception_v3");
        using (var encoder = new InceptionV3Encoder())
        {
            Assert.True(encoder.TransformInput);
            EncoderWeights.Load(encoder, oracle.CheckpointPath);
            AssertSameFeatures(encoder, oracle, "features");
        }
        using (var raw = new InceptionV3Encoder(transformInput: false))
        {
            EncoderWeights.Load(raw, oracle.CheckpointPath);
            AssertSameFeatures(raw, oracle, "features_raw");
        }
        oracles.Delete("inception_v3");
    }

    [Fact]
    public void ResNet50_LegacyFormatCheckpointLoadsToTheSameFeatures()
    {
        var oracle = oracles.Get("resnet50");
        using var encoder = new ResNet50Encoder();
        EncoderWeights.Load(encoder, Path.Combine(oracle.Folder, "resnet50.legacy.pth"));
        AssertSameFeatures(encoder, oracle, "features");
    }

    [Fact]
    public void WeightsConvert_SafetensorsLoadsToTheSameFeatures()
    {
        var oracle = oracles.Get("resnet50");
        var converted = Path.Combine(oracle.Folder, "resnet50.safetensors");
        var (code, _, error) = CliRunner.Run("weights", "convert", oracle.CheckpointPath, converted);
        Assert.True(code == 0, error);
        var (inspectCode, listing, inspectError) = CliRunner.Run("weights", "inspect", oracle.CheckpointPath);
        Assert.True(inspectCode == 0, inspectError);
        var lines = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("conv1.weight\tfloat32\t[64, 3, 7, 7]", lines[0]);
        Assert.Equal("fc.bias\tfloat32\t[1000]", lines[^2]);
        Assert.StartsWith("320 tensors, ", lines[^1]);
        Assert.EndsWith(" values (pytorch checkpoint)", lines[^1]);
        using var encoder = new ResNet50Encoder();
        EncoderWeights.Load(encoder, converted);
        AssertSameFeatures(encoder, oracle, "features");
    }

    [Fact]
    public void Load_ThrowsForTruncatedCheckpointNamingFileAndEncoder()
    {
        var oracle = oracles.Get("resnet50");
        var truncated = Path.Combine(oracle.Folder, "truncated.pth");
        var bytes = File.ReadAllBytes(oracle.CheckpointPath);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length * 3 / 5)]);
        using var encoder = new ResNet50Encoder();
        var e = Assert.Throws<CaptioningException>(() => EncoderWeights.Load(encoder, truncated));
        Assert.StartsWith($"'{truncated}' (resnet50 weights): ", e.Message);
    }

    private void AssertSameFeatures(IImageEncoder encoder, ParityOracle oracle, string key)
    {
        using var scope = torch.NewDisposeScope();
        var input = oracle.Input(); // (1, 3, S, S)
        var expected = oracle.Output(key).data<float>().ToArray();
        var actual = encoder.Encode(input); // (1, D)
        Assert.Equal(new long[] { 1, encoder.FeatureDimension }, actual.shape);
        var got = actual.cpu().data<float>().ToArray();
        var maxAbsDiff = 0.0;
        var scale = 0.0;
        for (var i = 0; i < got.Length; i++)
        {
            maxAbsDiff = Math.Max(maxAbsDiff, Math.Abs((double)got[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs((double)expected[i]));
        }
        Assert.True(scale > 0, "the oracle's features are all zero: the test would prove nothing");
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart;
        log.WriteLine($"{encoder.Name} ({key}): max abs diff {maxAbsDiff:G6}, max |feature| {scale:G6}; test CPU so far {cpu.TotalSeconds:F1} s (oracle excluded)");
        Assert.True(maxAbsDiff <= RelativeTolerance * scale,
            $"{encoder.Name} ({key}): max abs diff {maxAbsDiff:G6} exceeds {RelativeTolerance} x max |feature| {scale:G6}");
    }
}
