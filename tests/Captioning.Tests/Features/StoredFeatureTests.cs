using Captioning.Data;
using Captioning.Features;
using Captioning.Tests.Cli;
using Captioning.Tests.Data;

using Xunit;

namespace Captioning.Tests.Features;

/// <summary>`caption extract` stores, for every image id, what the encoder gives that image.</summary>
public sealed class StoredFeatureTests : NativeLeakGuard
{
    private readonly TempFolder folder = new();

    public override void Dispose()
    {
        folder.Dispose();
        base.Dispose();
    }

    [Fact]
    public void Extract_SmallCnnRowsEqualTheEncoderOnEachImageAlone()
    {
        var data = Path.Combine(folder.Path, "synth");
        SyntheticDataset.Generate(data, 10, seed: 4, sizePx: 48, threads: 1);
        var dataset = DatasetPreparer.Load(data, null, new PrepareOptions());
        var weights = Path.Combine(folder.Path, "cnn.safetensors");
        TorchRuntime.ManualSeed(21);
        using (SmallCnnEncoder.SaveAndWrap(new SmallCnn([8, 16, 32], 32, 2), new Concepts(["red", "blue"]), 48, DatasetFingerprint.Of(dataset), "untrained", weights)) { }
        var output = Path.Combine(folder.Path, "small.feat");

        // Batches of 4 over 10 images: full batches and a short last one, each row at its offset in its batch.
        var (code, _, error) = CliRunner.Run("extract", "--data", data, "--encoder", "small-cnn", "--weights", weights,
            "--dtype", "float32", "--batch", "4", "--threads", "1", "--out", output);

        Assert.True(code == 0, error);
        using var source = (SmallCnnEncoder)FeatureSources.Load(EncoderNames.SmallCnn, weights);
        StoredFeatures.AssertRowsAreEncoderOutputs(output, dataset.Images, source);
    }
}
