using Captioning.Features;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace Captioning.Tests.Features;

public sealed class NormalisationTests : NativeLeakGuard
{
    // One pixel per channel: R = 0.5, G = 0.25, B = 1.
    private static Tensor Pixel() => torch.tensor(new[] { 0.5f, 0.25f, 1f }, [1, 3, 1, 1]);

    [Fact]
    public void Apply_ImageNetSubtractsMeanAndDividesByStd()
    {
        using var scope = torch.NewDisposeScope();
        var result = Normalisation.ImageNet.Apply(Pixel()).data<float>().ToArray();
        // (0.5 - 0.485) / 0.229, (0.25 - 0.456) / 0.224, (1 - 0.406) / 0.225
        Assert.Equal(0.0655022, result[0], 5);
        Assert.Equal(-0.9196429, result[1], 5);
        Assert.Equal(2.64, result[2], 5);
    }

    [Fact]
    public void Apply_CaffeReordersToBgrOnThe255Scale()
    {
        using var scope = torch.NewDisposeScope();
        var result = Normalisation.Caffe.Apply(Pixel()).data<float>().ToArray();
        // B: 255 - 103.939, G: 63.75 - 116.779, R: 127.5 - 123.68
        Assert.Equal(151.061, result[0], 3);
        Assert.Equal(-53.029, result[1], 3);
        Assert.Equal(3.82, result[2], 3);
    }

    [Fact]
    public void Apply_InceptionMapsToMinusOneToOne()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Equal(new[] { 0f, -0.5f, 1f }, Normalisation.Inception.Apply(Pixel()).data<float>().ToArray());
    }

    [Fact]
    public void Apply_ThrowsForNonRgbBatch()
    {
        using var gray = torch.zeros(1, 1, 2, 2);
        Assert.Throws<ArgumentException>(() => Normalisation.ImageNet.Apply(gray));
    }
}
