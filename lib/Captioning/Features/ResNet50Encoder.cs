using Captioning.Torch;
using Captioning.Torch.NN;

namespace Captioning.Features;

/// <summary>
/// torchvision's ResNet-50 (v1.5: the stride sits on each block's 3x3 convolution) up to the
/// global average pool: 2,048 features per 224x224 image. Children are named as in torchvision
/// (conv1, bn1, layer1.0.conv1, ..., layer4.2.bn3, layerN.0.downsample.0/1); the ImageNet
/// classifier (fc) is not built and its two keys are ignored when a full checkpoint is loaded.
/// </summary>
public sealed class ResNet50Encoder : TorchvisionEncoder
{
    private static readonly IReadOnlySet<string> Ignored = new HashSet<string>(StringComparer.Ordinal) { "fc.weight", "fc.bias" };

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly MaxPool2d maxpool;
    private readonly Sequential[] layers;
    private readonly AdaptiveAvgPool2d avgpool;

    /// <summary>Builds the network (weights from PyTorch's default initialisation), in evaluation mode.</summary>
    public ResNet50Encoder()
    {
        conv1 = RegisterModule("conv1", new Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false));
        bn1 = RegisterModule("bn1", new BatchNorm2d(64));
        maxpool = RegisterModule("maxpool", new MaxPool2d(3, 2, 1));
        long inPlanes = 64;
        (long Planes, int Blocks, long Stride)[] stages = [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)];
        layers = new Sequential[stages.Length];
        for (var s = 0; s < stages.Length; s++)
        {
            var (planes, blocks, stride) = stages[s];
            var layer = new Sequential();
            for (var b = 0; b < blocks; b++)
            {
                layer.Append(new Bottleneck(inPlanes, planes, b == 0 ? stride : 1));
                inPlanes = planes * Bottleneck.Expansion;
            }
            layers[s] = RegisterModule($"layer{s + 1}", layer);
        }
        avgpool = RegisterModule("avgpool", new AdaptiveAvgPool2d((1, 1)));
        Eval();
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
    public override Tensor Forward(Tensor input)
    {
        using var c = conv1.Forward(input); // (N, 64, H/2, W/2)
        using var n = bn1.Forward(c);
        using var r = n.Relu();
        var x = maxpool.Forward(r); // (N, 64, H/4, W/4)
        foreach (var layer in layers)
        {
            var next = layer.Forward(x); // (N, 256..2048, H/4..H/32, W/4..W/32)
            x.Dispose();
            x = next;
        }
        using (x)
        {
            using var pooled = avgpool.Forward(x); // (N, 2048, 1, 1)
            return pooled.Flatten(1); // (N, 2048)
        }
    }
}

/// <summary>
/// torchvision's ResNet bottleneck block: 1x1 reduce, 3x3 (carrying the stride), 1x1 expand by 4,
/// each with batch norm, plus the identity or a 1x1 strided projection ("downsample.0/1").
/// </summary>
internal sealed class Bottleneck : Module<Tensor, Tensor>
{
    internal const long Expansion = 4;

    private readonly Conv2d conv1, conv2, conv3;
    private readonly BatchNorm2d bn1, bn2, bn3;
    private readonly Sequential? downsample;

    internal Bottleneck(long inPlanes, long planes, long stride)
    {
        conv1 = RegisterModule("conv1", new Conv2d(inPlanes, planes, 1, bias: false));
        bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
        conv2 = RegisterModule("conv2", new Conv2d(planes, planes, 3, stride: stride, padding: 1, bias: false));
        bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        conv3 = RegisterModule("conv3", new Conv2d(planes, planes * Expansion, 1, bias: false));
        bn3 = RegisterModule("bn3", new BatchNorm2d(planes * Expansion));
        if (stride != 1 || inPlanes != planes * Expansion)
        {
            downsample = RegisterModule("downsample", new Sequential(
                new Conv2d(inPlanes, planes * Expansion, 1, stride: stride, bias: false), new BatchNorm2d(planes * Expansion)));
        }
    }

    public override Tensor Forward(Tensor input)
    {
        using var a = conv1.Forward(input); // (N, planes, H, W)
        using var an = bn1.Forward(a);
        using var ar = an.Relu();
        using var b = conv2.Forward(ar); // (N, planes, H/stride, W/stride)
        using var bn = bn2.Forward(b);
        using var br = bn.Relu();
        using var c = conv3.Forward(br); // (N, 4 planes, H/stride, W/stride)
        using var cn = bn3.Forward(c);
        using var identity = downsample?.Forward(input); // (N, 4 planes, H/stride, W/stride)
        using var sum = cn + (identity ?? input);
        return sum.Relu();
    }
}
