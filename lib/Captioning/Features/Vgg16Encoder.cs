using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Captioning.Features;

/// <summary>
/// torchvision's VGG16 (configuration D) up to fc7 after its ReLU: 4,096 features per 224x224 image,
/// the feature the tutorial caches. The layers are TorchVision's <c>torchvision.models.vgg16()</c>,
/// named as in torchvision ("features.0", ..., "features.28", "classifier.0", "classifier.3"); the
/// classifier is cut after its fifth layer (torchvision's <c>classifier[:5]</c>), so the ImageNet logits
/// layer (classifier.6) is not kept and its two keys are ignored when a full checkpoint is loaded.
/// </summary>
public sealed class Vgg16Encoder : TorchvisionEncoder
{
    private static readonly IReadOnlySet<string> Ignored = new HashSet<string>(StringComparer.Ordinal) { "classifier.6.weight", "classifier.6.bias" };

    // torchvision's classifier: Linear, ReLU, Dropout, Linear, ReLU (fc7 after its ReLU), Dropout, Linear (logits).
    private const int Fc7Layers = 5;

    private readonly nn.Module<Tensor, Tensor> features;
    private readonly nn.Module<Tensor, Tensor> avgpool;
    private readonly Sequential classifier;

    /// <summary>Builds the network with TorchVision's initialisation, in evaluation mode.</summary>
    public Vgg16Encoder() : base(nameof(Vgg16Encoder))
    {
        var vgg = ModuleConstruction.Build(() => torchvision.models.vgg16());
        var children = vgg.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);
        var full = (Sequential)children["classifier"];
        features = (nn.Module<Tensor, Tensor>)children["features"];
        avgpool = (nn.Module<Tensor, Tensor>)children["avgpool"];
        classifier = full[..Fc7Layers]; // the same layer objects, keys classifier.0 ... classifier.4
        for (var i = Fc7Layers; i < full.Count; i++) ((nn.Module)full[i]).Dispose();
        register_module("features", features);
        register_module("avgpool", avgpool);
        register_module("classifier", classifier);
        eval();
    }

    /// <inheritdoc/>
    public override string Name => EncoderNames.Vgg16;

    /// <inheritdoc/>
    public override int FeatureDimension => 4096;

    /// <inheritdoc/>
    public override int InputSize => 224;

    /// <summary>classifier.6.weight and classifier.6.bias: the ImageNet logits layer after fc7.</summary>
    public override IReadOnlySet<string> IgnoredWeightKeys => Ignored;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var maps = features.call(input);              // (N, 512, H/32, W/32)
        var pooled = avgpool.call(maps).flatten(1);   // (N, 25088)
        return classifier.call(pooled).MoveToOuterDisposeScope(); // (N, 4096)
    }
}
