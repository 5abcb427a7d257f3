using Captioning.Features;
using Xunit;

namespace Captioning.Tests.Features;

public sealed class EncoderNamesTests
{
    [Theory]
    [InlineData("vgg16", "https://download.pytorch.org/models/vgg16-397923af.pth", "caption weights convert vgg16-397923af.pth vgg16-397923af.safetensors")]
    [InlineData("resnet50", "https://download.pytorch.org/models/resnet50-0676ba61.pth", "caption weights convert resnet50-0676ba61.pth resnet50-0676ba61.safetensors")]
    [InlineData("inception-v3", "https://download.pytorch.org/models/inception_v3_google-0cc3c7bd.pth", "caption weights convert inception_v3_google-0cc3c7bd.pth inception_v3_google-0cc3c7bd.safetensors")]
    public void MissingWeights_SaysWhereToGetAndHowToConvert(string encoder, string url, string convert)
    {
        var message = EncoderNames.MissingWeights(encoder).Message;
        Assert.StartsWith($"--encoder {encoder} needs pretrained weights: pass --weights FILE", message);
        Assert.Contains(url, message);
        Assert.Contains(convert, message);
        Assert.Contains("--encoder small-cnn", message);
    }

    [Fact]
    public void Validate_ListsKnownEncoders()
    {
        var error = Assert.Throws<CaptioningException>(() => EncoderNames.Validate("alexnet"));
        Assert.Equal("--encoder 'alexnet' is not known; expected one of vgg16, resnet50, inception-v3, small-cnn", error.Message);
        EncoderNames.Validate("small-cnn");
    }
}
