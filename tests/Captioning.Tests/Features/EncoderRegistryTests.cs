using Captioning.Features;
using Xunit;

namespace Captioning.Tests.Features;

public sealed class EncoderRegistryTests : NativeLeakGuard
{
    [Fact]
    public void Names_ListsTheTorchvisionEncoders()
    {
        Assert.Equal(new[] { "vgg16", "resnet50", "inception-v3" }, EncoderRegistry.Names);
    }

    [Theory]
    [InlineData("vgg16", typeof(Vgg16Encoder), 4096, 224)]
    [InlineData("resnet50", typeof(ResNet50Encoder), 2048, 224)]
    [InlineData("inception-v3", typeof(InceptionV3Encoder), 2048, 299)]
    public void Create_BuildsTheNamedEncoderInEvalMode(string name, Type type, int dimension, int inputSize)
    {
        using var encoder = EncoderRegistry.Create(name);
        Assert.IsType(type, encoder);
        Assert.Equal(name, encoder.Name);
        Assert.Equal(dimension, encoder.FeatureDimension);
        Assert.Equal(inputSize, encoder.InputSize);
        Assert.Same(Normalisation.ImageNet, encoder.Normalisation);
        Assert.False(encoder.Module.training);
    }

    [Fact]
    public void Create_ThrowsForUnknownNameListingValidOnes()
    {
        var e = Assert.Throws<CaptioningException>(() => EncoderRegistry.Create("vgg19"));
        Assert.Equal("unknown encoder 'vgg19'; expected one of: vgg16, resnet50, inception-v3", e.Message);
    }
}
