using Captioning.Features;
using TorchSharp;
using Xunit;

namespace Captioning.Tests.Features;

/// <summary>
/// State-dict layouts against torchvision 0.14's (key counts, first and last keys and parameter
/// counts printed by python3-torchvision, minus the classifier keys each encoder ignores).
/// </summary>
public sealed class EncoderArchitectureTests : NativeLeakGuard
{
    [Fact]
    public void Vgg16_KeysAreTorchvisionsFeaturesAndClassifierIndices()
    {
        using var encoder = new Vgg16Encoder();
        var keys = encoder.state_dict().Keys.ToArray();
        int[] convIndices = [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28];
        var expected = convIndices.SelectMany(i => new[] { $"features.{i}.weight", $"features.{i}.bias" })
            .Concat(["classifier.0.weight", "classifier.0.bias", "classifier.3.weight", "classifier.3.bias"]);
        Assert.Equal(expected, keys);
        Assert.Equal(134_260_544, ParameterCount(encoder));
        Assert.Equal(new[] { "classifier.6.bias", "classifier.6.weight" }, encoder.IgnoredWeightKeys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ResNet50_HasTorchvisionsKeysWithoutFc()
    {
        using var encoder = new ResNet50Encoder();
        var state = encoder.state_dict().ToList();
        Assert.Equal(318, state.Count);
        Assert.Equal(new[] { "conv1.weight", "bn1.weight", "bn1.bias" }, state.Take(3).Select(kv => kv.Key));
        Assert.Equal("layer4.2.bn3.num_batches_tracked", state[^1].Key);
        Assert.Contains(state, kv => kv.Key == "layer1.0.downsample.0.weight" && kv.Value.shape.SequenceEqual(new long[] { 256, 64, 1, 1 }));
        Assert.Contains(state, kv => kv.Key == "layer2.0.conv2.weight" && kv.Value.shape.SequenceEqual(new long[] { 128, 128, 3, 3 }));
        Assert.DoesNotContain(state, kv => kv.Key == "layer1.1.downsample.0.weight");
        Assert.Equal(23_508_032, ParameterCount(encoder));
        Assert.Equal(new[] { "fc.bias", "fc.weight" }, encoder.IgnoredWeightKeys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void InceptionV3_HasTorchvisionsKeysWithoutAuxLogitsAndFc()
    {
        using var encoder = new InceptionV3Encoder();
        var state = encoder.state_dict().ToList();
        Assert.Equal(564, state.Count);
        Assert.Equal(new[] { "Conv2d_1a_3x3.conv.weight", "Conv2d_1a_3x3.bn.weight", "Conv2d_1a_3x3.bn.bias" }, state.Take(3).Select(kv => kv.Key));
        Assert.Equal("Mixed_7c.branch_pool.bn.num_batches_tracked", state[^1].Key);
        Assert.Contains(state, kv => kv.Key == "Mixed_6b.branch7x7dbl_3.conv.weight" && kv.Value.shape.SequenceEqual(new long[] { 128, 128, 1, 7 }));
        Assert.Equal(21_785_568, ParameterCount(encoder));
        Assert.Equal(16, encoder.IgnoredWeightKeys.Count);
        Assert.All(encoder.IgnoredWeightKeys, k => Assert.True(k.StartsWith("AuxLogits.", StringComparison.Ordinal) || k.StartsWith("fc.", StringComparison.Ordinal), k));
        Assert.Contains("AuxLogits.conv1.bn.num_batches_tracked", encoder.IgnoredWeightKeys);
    }

    [Fact]
    public void InceptionV3_WithoutTransformInputExpectsInceptionScaling()
    {
        using var encoder = new InceptionV3Encoder(transformInput: false);
        Assert.Same(Normalisation.Inception, encoder.Normalisation);
    }

    [Fact]
    public void Encode_ThrowsForGrayscaleBatch()
    {
        using var encoder = new ResNet50Encoder();
        using var gray = torch.zeros(1, 1, 32, 32);
        var e = Assert.Throws<ArgumentException>(() => encoder.Encode(gray));
        Assert.StartsWith("resnet50 expects an image batch (N, 3, H, W), got [1, 1, 32, 32]", e.Message);
    }

    private static long ParameterCount(IImageEncoder encoder) => encoder.Module.parameters().Sum(p => p.numel());
}
