using Captioning.Data;
using Captioning.Features;
using Captioning.Tests.Data;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace Captioning.Tests.Features;

/// <summary>One small synthetic dataset shared by the small-CNN tests (generating it is the slow part).</summary>
public sealed class SmallSyntheticFixture : IDisposable
{
    private readonly TempFolder folder = new();

    public SmallSyntheticFixture()
    {
        var data = Path.Combine(folder.Path, "synth");
        SyntheticDataset.Generate(data, 160, seed: 5, sizePx: 48, threads: 1);
        Dataset = DatasetPreparer.Load(data, null, new PrepareOptions());
    }

    public CaptionDataset Dataset { get; }

    public void Dispose() => folder.Dispose();
}

public sealed class SmallCnnTests(SmallSyntheticFixture fixture) : NativeLeakGuard, IClassFixture<SmallSyntheticFixture>
{
    // With 120 training images the unweighted loss barely predicts rare concepts at 0.5, so the tiny set weights positives.
    private static readonly SmallCnnOptions Tiny = new(InputSize: 32, Channels: [8, 16, 32], FeatureDimension: 32, Epochs: 15, BatchSize: 16, LearningRate: 3e-3, MinImages: 3, BalancePositives: true);
    private readonly TempFolder folder = new();
    private readonly CaptionDataset dataset = fixture.Dataset;

    public override void Dispose()
    {
        folder.Dispose();
        base.Dispose();
    }

    [Fact]
    public void Network_HasTorchStyleKeysAndShapes()
    {
        using var network = new SmallCnn([8, 16], 32, 5);
        var keys = network.state_dict().Keys.ToList();
        Assert.Equal("blocks.0.0.weight", keys[0]);
        Assert.Contains("blocks.1.1.running_var", keys);
        // TorchSharp's state_dict lists every parameter before every buffer, so the last layers are last among the parameters.
        Assert.Equal(["embed.weight", "embed.bias", "head.weight", "head.bias"], network.named_parameters().Select(p => p.name).ToList()[^4..]);
        using var scope = torch.NewDisposeScope();
        var images = torch.rand(2, 3, 24, 24);
        Assert.Equal([2L, 32L], network.Features(images).shape);
        Assert.Equal([2L, 5L], network.call(images).shape);
        Assert.Equal(16L * 3 * 3 * 32, network.state_dict()["embed.weight"].numel());
    }

    [Fact]
    public void CellLayout_DescribesEachGridCellOnItsOwn()
    {
        TorchRuntime.ManualSeed(3);
        using var network = new SmallCnn([8, 16], 0, 5, cellDimension: 4);
        network.eval();
        var keys = network.named_parameters().Select(p => p.name).ToList();
        Assert.Equal(["cells.weight", "cells.bias", "head.weight", "head.bias"], keys[^4..]);
        Assert.Equal(36, network.FeatureDimension);
        using var scope = torch.NewDisposeScope();
        // Two 24x24 images that differ only in the bottom-right 8x8 block: after two 2x2 pools the grid
        // cells are 2x2 of the 6x6 map (8x8 input pixels, receptive fields reaching 3 pixels beyond),
        // so the top-left cell (index 0 of each channel's 3x3 block) must not change.
        var a = torch.rand(1, 3, 24, 24);
        var b = a.clone();
        b.narrow(2, 16, 8).narrow(3, 16, 8).fill_(1.0);
        var fa = network.Features(a).data<float>().ToArray();
        var fb = network.Features(b).data<float>().ToArray();
        for (var channel = 0; channel < 4; channel++)
        {
            Assert.Equal(fa[channel * 9], fb[channel * 9]);
            Assert.Equal(fa[channel * 9 + 1], fb[channel * 9 + 1]);
        }
        Assert.NotEqual(fa.Select((v, i) => i % 9 == 8 ? v : 0), fb.Select((v, i) => i % 9 == 8 ? v : 0));
        Assert.Equal([1L, 5L], network.call(a).shape);
    }

    [Fact]
    public void Shift_MovesEachImageByItsOwnOffsetRepeatingEdges()
    {
        using var scope = torch.NewDisposeScope();
        // Two 1-channel 4x4 images holding 0..15 and 100..115, row-major.
        var values = Enumerable.Range(0, 16).Select(v => (float)v).Concat(Enumerable.Range(100, 16).Select(v => (float)v)).ToArray();
        var images = torch.tensor(values, [2, 1, 4, 4]);
        var shifted = SmallCnnTrainer.Shift(images, 1, new Random(7)).data<float>().ToArray();
        var offsets = new Random(7);
        for (var i = 0; i < 2; i++)
        {
            var (dy, dx) = (offsets.Next(-1, 2), offsets.Next(-1, 2));
            for (var r = 0; r < 4; r++)
            for (var c = 0; c < 4; c++)
                Assert.Equal(values[i * 16 + Math.Clamp(r - dy, 0, 3) * 4 + Math.Clamp(c - dx, 0, 3)], shifted[i * 16 + r * 4 + c]);
        }
        // Seed 7 does not draw (0, 0) for both images, so something moved.
        Assert.NotEqual(values, shifted);
    }

    [Fact]
    public void Train_BeatsAlwaysFrequentBaselineAndIsDeterministic()
    {
        var first = SmallCnnTrainer.Train(dataset, Tiny, Path.Combine(folder.Path, "a.safetensors"));
        var second = SmallCnnTrainer.Train(dataset, Tiny, Path.Combine(folder.Path, "b.safetensors"));
        using var encoderA = first.Encoder;
        using var encoderB = second.Encoder;
        Assert.Equal((120, 20), (first.TrainImages, first.DevImages));
        Assert.True(first.Dev.F1 > first.Majority.F1 + 0.05, $"small-cnn dev {first.Dev} vs baseline {first.Majority}");
        Assert.Equal(first.Encoder.WeightsHash, second.Encoder.WeightsHash);
        Assert.Equal(first.Dev, second.Dev);

        using var reloaded = SmallCnnEncoder.Load(Path.Combine(folder.Path, "a.safetensors"));
        Assert.Equal(first.Encoder.WeightsHash, reloaded.WeightsHash);
        Assert.Equal(first.Encoder.Concepts.Words, reloaded.Concepts.Words);
        using var scope = torch.NewDisposeScope();
        var images = new ImagePreprocessor(reloaded.Preprocessing).Load([dataset.Images[0].Path]);
        Assert.Equal(first.Encoder.Encode(images).data<float>().ToArray(), reloaded.Encode(images).data<float>().ToArray());
    }

    [Fact]
    public void TrainOrLoad_ReusesNetworkForSameImagesAndSettings()
    {
        var path = Path.Combine(folder.Path, "reuse.safetensors");
        var quick = Tiny with { Epochs = 1 };
        var (trainedEncoder, trained) = SmallCnnTrainer.TrainOrLoad(dataset, quick, path);
        using (trainedEncoder) Assert.NotNull(trained);
        var messages = new List<string>();
        var (reused, again) = SmallCnnTrainer.TrainOrLoad(dataset, quick, path, log: messages.Add);
        using (reused)
        {
            Assert.Null(again);
            Assert.Equal(trainedEncoder.WeightsHash, reused.WeightsHash);
        }
        Assert.StartsWith("reusing the small CNN", Assert.Single(messages));
        var (retrainedEncoder, retrained) = SmallCnnTrainer.TrainOrLoad(dataset, quick with { Seed = 2 }, path, log: messages.Add);
        using (retrainedEncoder) Assert.NotNull(retrained);
        Assert.StartsWith("retraining:", messages[1]);
    }

    [Fact]
    public void Load_RefusesSafetensorsThatAreNotASmallCnn()
    {
        var path = Path.Combine(folder.Path, "other.safetensors");
        using (var t = torch.zeros(2))
            Captioning.Weights.SafeTensors.Save(path, new Dictionary<string, Tensor> { ["x"] = t });
        var error = Assert.Throws<CaptioningException>(() => SmallCnnEncoder.Load(path));
        Assert.Contains("not a small-cnn weights file", error.Message);
        Assert.Contains(path, error.Message);
    }
}
