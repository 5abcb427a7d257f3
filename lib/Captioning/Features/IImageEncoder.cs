using TorchSharp;
using static TorchSharp.torch;

namespace Captioning.Features;

/// <summary>
/// A frozen CNN that turns a normalised image batch into one feature vector per image. Every
/// implementation is created in evaluation mode and owns its weights (dispose it).
/// </summary>
public interface IImageEncoder : IDisposable
{
    /// <summary>Registry name (vgg16, resnet50, inception-v3, ...), also recorded in feature stores.</summary>
    string Name { get; }

    /// <summary>Length D of each feature vector.</summary>
    int FeatureDimension { get; }

    /// <summary>Side in pixels of the square images the weights were trained on (224 or 299).</summary>
    int InputSize { get; }

    /// <summary>How pixels must be normalised before <see cref="Encode"/>.</summary>
    Normalisation Normalisation { get; }

    /// <summary>The module holding the weights; its state-dict keys are the weight file's keys.</summary>
    nn.Module Module { get; }

    /// <summary>The device the weights are on; <see cref="Encode"/> moves each batch there.</summary>
    Device Device { get; }

    /// <summary>
    /// Keys a complete checkpoint of the architecture holds that the feature path never uses (the
    /// classifier head); weight loading drops exactly these when present and is strict about the rest.
    /// </summary>
    IReadOnlySet<string> IgnoredWeightKeys { get; }

    /// <summary>Moves the weights to <paramref name="device"/> (a no-op when they are there already).</summary>
    void MoveTo(Device device);

    /// <summary>Features of a normalised float32 batch (N, 3, H, W) as (N, D) on <see cref="Device"/>, computed without autograd.</summary>
    Tensor Encode(Tensor batch);
}
