using Captioning.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Captioning.Features;

/// <summary>
/// The network of ML.NET's ResNet-18 featurizer (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18, a CNTK export) as a
/// TorchSharp module: torchvision's ResNet layout with BasicBlocks, but [2, 2, 2, 3] blocks per stage (the export has one
/// more block in the last stage than torchvision's resnet18) and no classifier. Its input is RGB on the 0-255 scale; like the
/// package's ResNetPreprocess.onnx it swaps to BGR and subtracts the per-pixel ImageNet mean image (<c>mean_image</c>),
/// then returns the 512 global-average-pooled features. Members carry torchvision's names (conv1, bn1,
/// layer1.0.conv1, ..., layer4.2.bn2, layerN.0.downsample.0/1), so the state dict reads like torchvision's.
/// </summary>
/// <remarks>
/// TorchVision's own BasicBlock is not public, so the blocks are written here. The export pads its stride-2
/// convolutions and max pool at the start of each axis only (pads [3, 3, 2, 2] and [1, 1, 0, 0]); with torchvision's
/// symmetric padding the extra row and column at the end are never reached by a window when the side is even, so on the
/// 224x224 input the two are the same computation.
/// </remarks>
public sealed class MlNetResNet18Encoder : TorchvisionEncoder
{
    /// <summary>Blocks per stage of the exported network.</summary>
    public static IReadOnlyList<int> Blocks { get; } = [2, 2, 2, 3];

    private const int Side = 224; // fixed by the size of the mean image

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Flatten flatten;
    private readonly Tensor mean_image; // (1, 3, 224, 224), BGR on the 0-255 scale

    /// <summary>Builds the network with PyTorch's default initialisation and a zero mean image, in evaluation mode.</summary>
    public MlNetResNet18Encoder() : base(nameof(MlNetResNet18Encoder))
    {
        using var scope = torch.NewDisposeScope(); // frees what layer constructors leave behind (ModuleConstruction)
        conv1 = nn.Conv2d(3, 64, kernel_size: 7, stride: 2, padding: 3, bias: false);
        bn1 = nn.BatchNorm2d(64);
        relu = nn.ReLU();
        maxpool = nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1);
        layer1 = Stage(64, 64, Blocks[0], stride: 1);
        layer2 = Stage(64, 128, Blocks[1], stride: 2);
        layer3 = Stage(128, 256, Blocks[2], stride: 2);
        layer4 = Stage(256, 512, Blocks[3], stride: 2);
        avgpool = nn.AdaptiveAvgPool2d(1);
        flatten = nn.Flatten();
        mean_image = torch.zeros(1, 3, Side, Side); // (1, 3, 224, 224)
        RegisterComponents();
        ModuleConstruction.KeepState(this);
        eval();
    }

    /// <inheritdoc/>
    public override string Name => EncoderNames.ResNet18MlNet;

    /// <inheritdoc/>
    public override int FeatureDimension => 512;

    /// <inheritdoc/>
    public override int InputSize => Side;

    /// <summary>RGB on the 0-255 scale, unchanged: the network subtracts its own mean image.</summary>
    public override Normalisation Normalisation => Normalisation.Rgb255;

    /// <summary>None: the export has no classifier.</summary>
    public override IReadOnlySet<string> IgnoredWeightKeys { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// ML.NET's documented pipeline for this featurizer (LoadImages, ResizeImages(224, 224), ExtractPixels): ResizeImages'
    /// default is ResizingKind.IsoCrop with the centre anchor, i.e. the shorter side scaled to 224 and the centre cropped,
    /// drawn by SkiaSharp with FilterQuality.High (a cubic filter); here an antialiased bicubic (PIL's BICUBIC) with the
    /// crop origin torchvision uses. ExtractPixels' defaults give planar RGB on the 0-255 scale.
    /// </summary>
    public static ImagePreprocessOptions Preprocessing { get; } =
        new(Side, Side, ResizeMode.ShorterSideThenCenterCrop, ResizeFilter.Bicubic, PixelNormalization.Rgb255);

    /// <summary>Features of RGB 0-255 images (N, 3, 224, 224) as (N, 512).</summary>
    public override Tensor forward(Tensor rgb)
    {
        using var scope = torch.NewDisposeScope();
        var bgr = rgb.flip(1);                                    // (N, 3, 224, 224), channels B, G, R
        var x = bgr - mean_image;                                 // (N, 3, 224, 224)
        x = maxpool.call(relu.call(bn1.call(conv1.call(x))));     // (N, 64, 56, 56)
        x = layer4.call(layer3.call(layer2.call(layer1.call(x)))); // (N, 512, 7, 7)
        return flatten.call(avgpool.call(x)).MoveToOuterDisposeScope(); // (N, 512)
    }

    private static Sequential Stage(int inPlanes, int planes, int blocks, int stride)
    {
        var stage = nn.Sequential();
        stage.append(new BasicBlock(inPlanes, planes, stride));
        for (var i = 1; i < blocks; i++) stage.append(new BasicBlock(planes, planes, 1));
        return stage;
    }

    /// <summary>torchvision's BasicBlock: two 3x3 convolutions with batch norm, plus the input (projected when the shape changes).</summary>
    private sealed class BasicBlock : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1;
        private readonly BatchNorm2d bn1;
        private readonly Conv2d conv2;
        private readonly BatchNorm2d bn2;
        private readonly ReLU relu;
        private readonly Sequential? downsample;

        internal BasicBlock(int inPlanes, int planes, int stride) : base(nameof(BasicBlock))
        {
            conv1 = nn.Conv2d(inPlanes, planes, kernel_size: 3, stride: stride, padding: 1, bias: false);
            bn1 = nn.BatchNorm2d(planes);
            conv2 = nn.Conv2d(planes, planes, kernel_size: 3, padding: 1, bias: false);
            bn2 = nn.BatchNorm2d(planes);
            relu = nn.ReLU();
            if (stride != 1 || inPlanes != planes)
                downsample = nn.Sequential(nn.Conv2d(inPlanes, planes, kernel_size: 1, stride: stride, bias: false), nn.BatchNorm2d(planes));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = torch.NewDisposeScope();
            var x = relu.call(bn1.call(conv1.call(input)));        // (N, planes, H/stride, W/stride)
            x = bn2.call(conv2.call(x));                           // (N, planes, H/stride, W/stride)
            var identity = downsample?.call(input) ?? input;       // (N, planes, H/stride, W/stride)
            return relu.call(x + identity).MoveToOuterDisposeScope();
        }
    }
}
