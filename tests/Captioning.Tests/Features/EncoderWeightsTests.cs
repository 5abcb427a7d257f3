using Captioning.Features;
using Captioning.Weights;
using TorchSharp;
using Xunit;

namespace Captioning.Tests.Features;

public sealed class EncoderWeightsTests : NativeLeakGuard, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("captioning-weights-").FullName;

    public override void Dispose()
    {
        Directory.Delete(folder, recursive: true);
        base.Dispose();
    }

    private string Save(string name, params (string Key, long[] Shape)[] tensors)
    {
        var path = Path.Combine(folder, name);
        using var dict = new TensorDictionary();
        foreach (var (key, shape) in tensors) dict.Add(key, torch.zeros(shape));
        SafeTensors.Save(path, dict);
        return path;
    }

    [Fact]
    public void Load_ThrowsForMissingFile()
    {
        using var encoder = new ResNet50Encoder();
        var path = Path.Combine(folder, "nope.pth");
        var e = Assert.Throws<CaptioningException>(() => EncoderWeights.Load(encoder, path));
        Assert.Equal($"'{path}' (resnet50 weights): file not found; expected a torchvision .pth checkpoint or a .safetensors file", e.Message);
    }

    [Fact]
    public void Load_ThrowsForWrongArchitectureListingKeysAndLeavesWeightsUnchanged()
    {
        // VGG16's first layers under their own names, one of them mis-shaped, plus a ResNet key.
        var path = Save("wrong.safetensors",
            ("features.0.weight", [64, 3, 5, 5]), ("features.0.bias", [64]), ("conv1.weight", [64, 3, 7, 7]),
            ("classifier.6.weight", [1000, 4096]));
        using var encoder = new Vgg16Encoder();
        var before = encoder.Module.state_dict()["features.0.bias"].data<float>().ToArray();
        var e = Assert.Throws<CaptioningException>(() => EncoderWeights.Load(encoder, path));
        Assert.StartsWith($"'{path}' (vgg16 weights): the file does not hold vgg16 weights (", e.Message);
        Assert.Contains("missing keys (28): features.2.weight, features.2.bias, features.5.weight", e.Message);
        Assert.Contains("unexpected keys (1): conv1.weight.", e.Message);
        Assert.Contains("shape mismatches (1): features.0.weight: expected [64, 3, 3, 3], got [64, 3, 5, 5]", e.Message);
        Assert.DoesNotContain("classifier.6", e.Message);
        Assert.Equal(before, encoder.Module.state_dict()["features.0.bias"].data<float>().ToArray());
    }

    [Fact]
    public void Load_ThrowsForResNetWeightsInInceptionNamingBothSides()
    {
        using var resnet = new ResNet50Encoder();
        var path = Path.Combine(folder, "resnet50.safetensors");
        SafeTensors.Save(path, resnet.Module.state_dict());
        using var inception = new InceptionV3Encoder();
        var e = Assert.Throws<CaptioningException>(() => EncoderWeights.Load(inception, path));
        Assert.StartsWith($"'{path}' (inception-v3 weights): the file does not hold inception-v3 weights (", e.Message);
        Assert.Contains("missing keys (564): Conv2d_1a_3x3.conv.weight,", e.Message);
        Assert.Contains("unexpected keys (318): bn1.bias,", e.Message);
    }

    [Fact]
    public void Load_ThrowsForTruncatedSafetensorsNamingFileAndEncoder()
    {
        var path = Save("cut.safetensors", ("fc.weight", [4, 4]), ("fc.bias", [4]));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);
        using var encoder = new ResNet50Encoder();
        var e = Assert.Throws<CaptioningException>(() => EncoderWeights.Load(encoder, path));
        Assert.StartsWith($"'{path}' (resnet50 weights): ", e.Message);
        Assert.Contains("fc.", e.Message);
    }

    [Fact]
    public void Load_AcceptsOwnStateDictWithIgnoredKeysAndCopiesValues()
    {
        TorchRuntime.ManualSeed(5);
        using var source = new ResNet50Encoder();
        var path = Path.Combine(folder, "resnet50.safetensors");
        using (var dict = new TensorDictionary())
        using (torch.NewDisposeScope()) // frees the detached aliases; the dictionary keeps the clones
        {
            foreach (var (key, value) in source.Module.state_dict()) dict.Add(key, value.detach().clone());
            dict.Add("fc.weight", torch.zeros(1000, 2048));
            dict.Add("fc.bias", torch.zeros(1000));
            SafeTensors.Save(path, dict);
        }
        TorchRuntime.ManualSeed(6);
        using var target = new ResNet50Encoder();
        EncoderWeights.Load(target, path);
        foreach (var ((name, expected), (_, actual)) in source.Module.state_dict().Zip(target.Module.state_dict()))
            Assert.True(expected.bytes.SequenceEqual(actual.bytes), name);
    }

    [Fact]
    public void Load_ThrowsForTruncatedLegacyCheckpointNamingFileAndEncoder()
    {
        // A torch < 1.6 checkpoint opens with the pickled magic number 0x1950a86a20f9469cfc6c; this one stops right after it.
        var path = Path.Combine(folder, "vgg16-old.bin");
        File.WriteAllBytes(path, [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]);
        using var encoder = new ResNet50Encoder();
        var e = Assert.Throws<CaptioningException>(() => EncoderWeights.Load(encoder, path));
        Assert.Equal($"'{path}' (resnet50 weights): pickle ends at byte 15 but byte 15 needs 1 more; the file is truncated or corrupt", e.Message);
    }

    [Theory]
    [InlineData("a.safetensors", new byte[] { 8, 0, 0, 0, 0, 0, 0, 0 }, false)]
    [InlineData("a.weights", new byte[] { (byte)'P', (byte)'K', 3, 4, 0 }, true)]
    [InlineData("a.weights", new byte[] { 0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19 }, true)]
    [InlineData("a.weights", new byte[] { 0x80, 0x02, 0, 0, 0, 0, 0, 0 }, false)]
    [InlineData("a.safetensors", new byte[] { 0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19 }, false)]
    [InlineData("a.pth", new byte[] { 1 }, true)]
    [InlineData("a.PT", new byte[] { 1 }, true)]
    public void IsPyTorchCheckpoint_RecognisesContentAndExtension(string name, byte[] head, bool expected)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, head);
        Assert.Equal(expected, EncoderWeights.IsPyTorchCheckpoint(path));
    }
}
