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
        Assert.Equal("--encoder 'alexnet' is not known; expected one of vgg16, resnet50, inception-v3, resnet18-mlnet, small-cnn", error.Message);
        EncoderNames.Validate("small-cnn");
    }

    [Fact]
    public void ResNet18MlNet_NeedsNoWeightsFileAndHas512Features()
    {
        Assert.Equal(MlNetResNet18Weights.BundledModelPath, EncoderNames.BundledWeights("resnet18-mlnet"));
        Assert.Null(EncoderNames.BundledWeights("vgg16"));
        Assert.Null(EncoderNames.BundledWeights("small-cnn"));
        Assert.Equal(512, EncoderNames.FeatureDimension("resnet18-mlnet"));
    }

    [Fact]
    public void FeatureSourcesOpen_RefusesBeforeTraining_AndTrainsTheSmallCnnBesideTheStore()
    {
        var asked = new List<string>();
        SmallCnnEncoder Train(string path)
        {
            asked.Add(path);
            throw new InvalidOperationException("stop here: the path is what this test checks");
        }
        Assert.Equal(EncoderNames.MissingWeights("vgg16").Message,
            Assert.Throws<CaptioningException>(() => FeatureSources.Open("vgg16", null, "/w/vgg16.feat", Train)).Message);
        Assert.Contains("'alexnet' is not known", Assert.Throws<CaptioningException>(() => FeatureSources.Open("alexnet", null, "/w/a.feat", Train)).Message);
        Assert.Empty(asked);
        Assert.Throws<InvalidOperationException>(() => FeatureSources.Open("small-cnn", null, "/w/small-cnn.feat", Train));
        Assert.Equal(["/w/small-cnn.feat.small-cnn.safetensors"], asked);
    }
}
