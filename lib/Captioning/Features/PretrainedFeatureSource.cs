using Captioning.Data;
using static TorchSharp.torch;

namespace Captioning.Features;

/// <summary>
/// A torchvision-architecture encoder with pretrained weights loaded, as the feature source that
/// extraction uses: torchvision's evaluation preprocessing, and the weights file's SHA-256 as its hash.
/// </summary>
public sealed class PretrainedFeatureSource : IFeatureSource, IDisposable
{
    private readonly IImageEncoder encoder;

    private PretrainedFeatureSource(IImageEncoder encoder, string weightsHash, ImagePreprocessOptions preprocessing)
    {
        this.encoder = encoder;
        WeightsHash = weightsHash;
        Preprocessing = preprocessing;
    }

    /// <summary>Creates the encoder named <paramref name="name"/> (see <see cref="EncoderRegistry"/>) and loads <paramref name="weightsPath"/> into it strictly.</summary>
    public static PretrainedFeatureSource Load(string name, string weightsPath)
    {
        var encoder = EncoderRegistry.Create(name);
        try
        {
            EncoderWeights.Load(encoder, weightsPath);
            return new PretrainedFeatureSource(encoder, SmallCnnEncoder.HashFile(weightsPath), PreprocessingOf(encoder));
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>
    /// resnet18-mlnet with the weights of the ResNet18.onnx at <paramref name="modelPath"/> (by default the NuGet package's copy
    /// beside Captioning.dll, <see cref="MlNetResNet18Weights.BundledModelPath"/>) and its mean image; the hash is the model file's SHA-256.
    /// </summary>
    public static PretrainedFeatureSource LoadMlNetResNet18(string? modelPath = null)
    {
        modelPath ??= MlNetResNet18Weights.BundledModelPath;
        var encoder = new MlNetResNet18Encoder();
        try
        {
            MlNetResNet18Weights.Load(encoder, modelPath);
            return new PretrainedFeatureSource(encoder, SmallCnnEncoder.HashFile(modelPath), MlNetResNet18Encoder.Preprocessing);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>
    /// torchvision's evaluation transform for the encoder's weights: shorter side to 256 (342 for
    /// Inception v3, as torchvision's Inception_V3_Weights say), centre crop to the input size, bilinear, and the encoder's normalisation.
    /// </summary>
    public static ImagePreprocessOptions PreprocessingOf(IImageEncoder encoder)
    {
        var normalization = encoder.Normalisation.Name switch
        {
            "imagenet" => PixelNormalization.ImageNet,
            "caffe" => PixelNormalization.Caffe,
            "inception" => PixelNormalization.MinusOneToOne,
            var other => throw new InvalidOperationException($"no pixel normalisation matches '{other}'"),
        };
        var resize = encoder.InputSize == 299 ? 342 : 256;
        return new ImagePreprocessOptions(encoder.InputSize, resize, ResizeMode.ShorterSideThenCenterCrop, ResizeFilter.Bilinear, normalization);
    }

    /// <inheritdoc/>
    public string Name => encoder.Name;

    /// <inheritdoc/>
    public int FeatureDimension => encoder.FeatureDimension;

    /// <inheritdoc/>
    public ImagePreprocessOptions Preprocessing { get; }

    /// <inheritdoc/>
    public string WeightsHash { get; }

    /// <inheritdoc/>
    public Tensor Encode(Tensor images) => encoder.Encode(images); // (N, D)

    /// <inheritdoc/>
    public void MoveTo(Device device) => encoder.MoveTo(device);

    /// <summary>Frees the encoder's weights.</summary>
    public void Dispose() => encoder.Dispose();
}
