using Captioning.Torch;
using Captioning.Torch.NN;

namespace Captioning.Features;

/// <summary>
/// torchvision's VGG16 (configuration D) up to fc7 after its ReLU: 4,096 features per 224x224
/// image, the feature the tutorial caches. Children are named as in torchvision ("features.0",
/// ..., "features.28", "classifier.0", "classifier.3"); the last classifier layer (classifier.6,
/// ImageNet logits) is not built, and its two keys are ignored when a full checkpoint is loaded.
/// </summary>
public sealed class Vgg16Encoder : TorchvisionEncoder
{
    // Output channels of each 3x3 convolution; 0 marks a 2x2 max pool. Indices inside "features"
    // follow from it: every convolution is followed by a ReLU, exactly as torchvision builds it.
    private static readonly int[] Configuration = [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0];

    private static readonly IReadOnlySet<string> Ignored = new HashSet<string>(StringComparer.Ordinal) { "classifier.6.weight", "classifier.6.bias" };

    private readonly Sequential features;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Sequential classifier;

    /// <summary>Builds the network with PyTorch's default layer initialisation, in evaluation mode.</summary>
    public Vgg16Encoder()
    {
        features = RegisterModule("features", BuildFeatures());
        avgpool = RegisterModule("avgpool", new AdaptiveAvgPool2d((7, 7)));
        // classifier[:5] of torchvision: Linear, ReLU, Dropout, Linear, ReLU (fc7 after its ReLU).
        classifier = RegisterModule("classifier", new Sequential(
            new Linear(512 * 7 * 7, 4096), new InPlaceReLU(), new Dropout(0.5), new Linear(4096, 4096), new InPlaceReLU()));
        Eval();
    }

    /// <inheritdoc/>
    public override string Name => EncoderNames.Vgg16;

    /// <inheritdoc/>
    public override int FeatureDimension => 4096;

    /// <inheritdoc/>
    public override int InputSize => 224;

    /// <summary>classifier.6.weight and classifier.6.bias: the ImageNet logits layer after fc7.</summary>
    public override IReadOnlySet<string> IgnoredWeightKeys => Ignored;

    private static Sequential BuildFeatures()
    {
        var layers = new Sequential();
        long inChannels = 3;
        foreach (var outChannels in Configuration)
        {
            if (outChannels == 0)
            {
                layers.Append(new MaxPool2d(2, 2));
                continue;
            }
            layers.Append(new Conv2d(inChannels, outChannels, 3, padding: 1));
            layers.Append(new InPlaceReLU());
            inChannels = outChannels;
        }
        return layers;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        using var maps = features.Forward(input); // (N, 512, H/32, W/32)
        using var pooled = avgpool.Forward(maps); // (N, 512, 7, 7)
        using var flat = pooled.Flatten(1); // (N, 25088)
        return classifier.Forward(flat); // (N, 4096)
    }
}

/// <summary>
/// ReLU that overwrites its input, as torchvision's VGG uses nn.ReLU(inplace=True): inside a
/// Sequential the input is a temporary, and not allocating a second activation map per layer
/// saves memory traffic on the 100 MB maps of a 224x224 batch of 8. No state, so no state-dict keys.
/// </summary>
internal sealed class InPlaceReLU : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input)
    {
        using var zero = Tensor.Zeros([], input.DType, input.Device);
        input.Maximum_(zero);
        return input.Alias();
    }
}
