using System.Security.Cryptography;
using Captioning.Data;
using Captioning.Features;
using Captioning.Weights;
using TorchSharp;
using Xunit;

namespace Captioning.Tests.Features;

public sealed class PretrainedFeatureSourceTests : NativeLeakGuard, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("captioning-pretrained-").FullName;

    public override void Dispose()
    {
        Directory.Delete(folder, recursive: true);
        base.Dispose();
    }

    [Fact]
    public void Load_WrapsTheEncoderWithTorchvisionPreprocessingAndFileHash()
    {
        var path = Path.Combine(folder, "resnet50.safetensors");
        TorchRuntime.ManualSeed(3);
        using var reference = new ResNet50Encoder();
        SafeTensors.Save(path, reference.state_dict());

        using var source = PretrainedFeatureSource.Load("resnet50", path);
        Assert.Equal("resnet50", source.Name);
        Assert.Equal(2048, source.FeatureDimension);
        Assert.Equal(ImagePreprocessOptions.TorchvisionImageNet, source.Preprocessing);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), source.WeightsHash);

        using var scope = torch.NewDisposeScope();
        var images = torch.randn(2, 3, 64, 64); // (2, 3, 64, 64)
        Assert.Equal(reference.Encode(images).data<float>().ToArray(), source.Encode(images).data<float>().ToArray());
    }

    [Fact]
    public void PreprocessingOf_InceptionUsesTorchvisions342Resize299Crop()
    {
        using var inception = new InceptionV3Encoder();
        Assert.Equal(new ImagePreprocessOptions(299, 342, ResizeMode.ShorterSideThenCenterCrop, ResizeFilter.Bilinear, PixelNormalization.ImageNet),
            PretrainedFeatureSource.PreprocessingOf(inception));
        using var raw = new InceptionV3Encoder(transformInput: false);
        Assert.Equal(PixelNormalization.MinusOneToOne, PretrainedFeatureSource.PreprocessingOf(raw).Normalization);
    }

    [Fact]
    public void Load_ThrowsForUnknownEncoder()
    {
        var e = Assert.Throws<CaptioningException>(() => PretrainedFeatureSource.Load("alexnet", Path.Combine(folder, "x.pth")));
        Assert.StartsWith("unknown encoder 'alexnet'", e.Message);
    }
}
