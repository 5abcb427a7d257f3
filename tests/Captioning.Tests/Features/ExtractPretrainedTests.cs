using Captioning.Tests.Cli;
using Captioning.Data;
using Captioning.Features;
using Captioning.Tests.Data;
using Captioning.Weights;
using Xunit;

namespace Captioning.Tests.Features;

/// <summary>`caption extract` with a pretrained-architecture encoder and a weights file, end to end.</summary>
public sealed class ExtractPretrainedTests : NativeLeakGuard
{
    private readonly TempFolder folder = new();

    public override void Dispose()
    {
        folder.Dispose();
        base.Dispose();
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Extract_ResNet50WithWeightsStoresItsPooledFeatures()
    {
        var data = Path.Combine(folder.Path, "synth");
        SyntheticDataset.Generate(data, 24, seed: 3, sizePx: 32, threads: 1);
        var weights = Path.Combine(folder.Path, "resnet50.safetensors");
        TorchRuntime.ManualSeed(11);
        using (var encoder = new ResNet50Encoder())
            SafeTensors.Save(weights, encoder.state_dict());
        var output = Path.Combine(folder.Path, "resnet50.feat");

        var (code, _, error) = CliRunner.Run("extract", "--data", data, "--encoder", "resnet50", "--weights", weights,
            "--dtype", "float32", "--batch", "8", "--threads", "1", "--out", output);

        Assert.True(code == 0, error);
        using var store = FeatureStore.Open(output);
        Assert.Equal("resnet50", store.Header.Identity.Encoder);
        Assert.Equal(2048, store.Dimension);
        Assert.Equal(24, store.Count);
        Assert.Equal(SmallCnnEncoder.HashFile(weights), store.Header.Identity.WeightsHash);
        // Batches of 8: each row is what the encoder gives its own image, preprocessed alone.
        using var source = PretrainedFeatureSource.Load("resnet50", weights);
        StoredFeatures.AssertRowsAreEncoderOutputs(output, DatasetPreparer.Load(data, null, new PrepareOptions()).Images, source);
    }
}
