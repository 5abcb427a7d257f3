using Captioning.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Captioning.Features;

/// <summary>
/// What extraction needs from an image encoder: how to preprocess images, and a frozen forward pass
/// from (N, 3, S, S) float32 images to (N, D) float32 features. Pretrained encoders and the small
/// CNN both provide it.
/// </summary>
public interface IFeatureSource
{
    /// <summary>Encoder id written into stores ("vgg16", "small-cnn", ...).</summary>
    string Name { get; }

    /// <summary>Values per image (D).</summary>
    int FeatureDimension { get; }

    /// <summary>Decoding, resizing and normalisation the weights expect.</summary>
    ImagePreprocessOptions Preprocessing { get; }

    /// <summary>SHA-256 (hex) of the weights, or "none"; stores built with other weights are refused.</summary>
    string WeightsHash { get; }

    /// <summary>Features of a preprocessed (N, 3, S, S) batch as (N, D) float32, in evaluation mode without gradients, on the source's device.</summary>
    Tensor Encode(Tensor images);

    /// <summary>
    /// Moves the weights to <paramref name="device"/>; <see cref="Encode"/> then computes there, whatever device
    /// its batches come from. A source without weights computes wherever its input is, so by default this does nothing.
    /// </summary>
    void MoveTo(Device device) { }
}

/// <summary>The one place that turns an encoder name into a feature source; pretrained encoders plug in here.</summary>
public static class FeatureSources
{
    /// <summary>
    /// The <paramref name="encoder"/> with the weights in <paramref name="weightsPath"/> (a .pth or .safetensors file; for
    /// resnet18-mlnet a ResNet18.onnx). The result is disposable.
    /// </summary>
    public static IFeatureSource Load(string encoder, string weightsPath) => encoder switch
    {
        EncoderNames.SmallCnn => SmallCnnEncoder.Load(weightsPath),
        EncoderNames.ResNet18MlNet => PretrainedFeatureSource.LoadMlNetResNet18(weightsPath),
        _ => PretrainedFeatureSource.Load(encoder, weightsPath),
    };

    /// <summary>
    /// Like <see cref="Load"/> when <paramref name="weightsPath"/> is given. Without it, a pretrained
    /// <paramref name="encoder"/> is refused, and small-cnn comes from <paramref name="trainSmallCnn"/>, which trains
    /// (or reloads) it given the path beside <paramref name="storePath"/> where its weights belong. The result is disposable.
    /// </summary>
    public static IFeatureSource Open(string encoder, string? weightsPath, string storePath, Func<string, SmallCnnEncoder> trainSmallCnn)
    {
        EncoderNames.Validate(encoder);
        weightsPath ??= EncoderNames.BundledWeights(encoder);
        if (weightsPath != null) return Load(encoder, weightsPath);
        if (encoder != EncoderNames.SmallCnn) throw EncoderNames.MissingWeights(encoder);
        return trainSmallCnn(SmallCnnEncoder.WeightsPathBeside(storePath));
    }
}

/// <summary>The encoder names the CLI knows and the help for getting pretrained weights.</summary>
public static class EncoderNames
{
    /// <summary>VGG16 fc7 (4,096 values, 224x224).</summary>
    public const string Vgg16 = "vgg16";
    /// <summary>ResNet-50 pooled (2,048 values, 224x224).</summary>
    public const string ResNet50 = "resnet50";
    /// <summary>Inception v3 pooled (2,048 values, 299x299).</summary>
    public const string InceptionV3 = "inception-v3";
    /// <summary>The small CNN trained on the dataset's own captions.</summary>
    public const string SmallCnn = "small-cnn";
    /// <summary>ML.NET's ImageNet-pretrained ResNet-18 pooled (512 values, 224x224), weights from its NuGet package.</summary>
    public const string ResNet18MlNet = "resnet18-mlnet";

    /// <summary>Every name <c>caption extract --encoder</c> accepts.</summary>
    public static IReadOnlyList<string> All { get; } = [Vgg16, ResNet50, InceptionV3, ResNet18MlNet, SmallCnn];

    /// <summary>
    /// The weights an encoder uses when none are given: resnet18-mlnet's ResNet18.onnx, restored with the NuGet package and
    /// copied beside Captioning.dll by the build; null for the others (torchvision's weights are not redistributed with us;
    /// small-cnn is trained).
    /// </summary>
    public static string? BundledWeights(string name) => name == ResNet18MlNet ? MlNetResNet18Weights.BundledModelPath : null;

    /// <summary>The torchvision file name of each pretrained architecture's ImageNet weights.</summary>
    public static IReadOnlyDictionary<string, string> TorchvisionFiles { get; } = new Dictionary<string, string>
    {
        [Vgg16] = "vgg16-397923af.pth",
        [ResNet50] = "resnet50-0676ba61.pth (IMAGENET1K_V1; resnet50-11ad3fa6.pth is IMAGENET1K_V2)",
        [InceptionV3] = "inception_v3_google-0cc3c7bd.pth",
    };

    /// <summary>
    /// The width of an encoder's feature without building it (VGG16 4,096; ResNet-50 and Inception v3 2,048; resnet18-mlnet 512; small-cnn
    /// 288 with its default 3x3 grid of 32-wide cells, which its training options may change).
    /// </summary>
    public static int FeatureDimension(string name)
    {
        Validate(name);
        return name switch
        {
            Vgg16 => 4096,
            ResNet50 or InceptionV3 => 2048,
            ResNet18MlNet => 512,
            _ => Features.SmallCnn.GridSize * Features.SmallCnn.GridSize * new SmallCnnOptions().CellDimension,
        };
    }

    /// <summary>Throws a <see cref="CaptioningException"/> for a name that is not an encoder, listing the valid ones.</summary>
    public static void Validate(string name)
    {
        if (!All.Contains(name))
            throw new CaptioningException($"--encoder '{name}' is not known; expected one of {string.Join(", ", All)}");
    }

    /// <summary>
    /// The error for a pretrained architecture without --weights: random weights would silently
    /// ruin every later result, so the message says where torchvision's weights live and how to convert them.
    /// </summary>
    public static CaptioningException MissingWeights(string name)
    {
        var file = TorchvisionFiles[name].Split(' ')[0];
        return new CaptioningException(
            $"--encoder {name} needs pretrained weights: pass --weights FILE (.pth or .safetensors). "
            + $"torchvision publishes them as https://download.pytorch.org/models/{TorchvisionFiles[name]}; "
            + $"download it on a machine with internet access, optionally convert it with `caption weights convert {file} {Path.ChangeExtension(file, ".safetensors")}`, "
            + "and pass the file with --weights. Without weights use --encoder small-cnn, which trains on the dataset's own captions.");
    }
}
