using TorchSharp;
using static TorchSharp.torch;

namespace Captioning.Features;

/// <summary>
/// torchvision's ResNet-50 (v1.5: the stride sits on each block's 3x3 convolution) up to the global
/// average pool: 2,048 features per 224x224 image. The layers are TorchVision's
/// <c>torchvision.models.resnet50()</c>, named as in torchvision (conv1, bn1, layer1.0.conv1, ...,
/// layer4.2.bn3, layerN.0.downsample.0/1); the ImageNet classifier (fc) is not kept and its two keys
/// are ignored when a full checkpoint is loaded.
/// </summary>
public sealed class ResNet50Encoder : TorchvisionEncoder
{
    private static readonly IReadOnlySet<string> Ignored = new HashSet<string>(StringComparer.Ordinal) { "fc.weight", "fc.bias" };

    // TorchVision's children in forward order; "fc" is dropped, the rest runs as torchvision's forward does.
    private static readonly string[] Trunk = ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "flatten"];

    private readonly nn.Module<Tensor, Tensor>[] layers;

    /// <summary>Builds the network with TorchVision's initialisation, in evaluation mode.</summary>
    public ResNet50Encoder() : base(nameof(ResNet50Encoder))
    {
        var adopted = Adopt(ModuleConstruction.Build(() => torchvision.models.resnet50()), "fc");
        layers = Trunk.Select(name => adopted[name]).ToArray();
        eval();
    }

    /// <inheritdoc/>
    public override string Name => EncoderNames.ResNet50;

    /// <inheritdoc/>
    public override int FeatureDimension => 2048;

    /// <inheritdoc/>
    public override int InputSize => 224;

    /// <summary>fc.weight and fc.bias: the ImageNet logits layer after the pool.</summary>
    public override IReadOnlySet<string> IgnoredWeightKeys => Ignored;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = input; // (N, 3, H, W)
        foreach (var layer in layers) x = layer.call(x); // ... (N, 2048, H/32, W/32), (N, 2048, 1, 1), (N, 2048)
        return x.MoveToOuterDisposeScope(); // (N, 2048)
    }
}
