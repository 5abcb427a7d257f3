using Captioning.Torch;
using Captioning.Torch.NN;

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
    Module Module { get; }

    /// <summary>
    /// Keys a complete checkpoint of the architecture holds that the feature path never uses (the
    /// classifier head); weight loading drops exactly these when present and is strict about the rest.
    /// </summary>
    IReadOnlySet<string> IgnoredWeightKeys { get; }

    /// <summary>Features of a normalised float32 batch (N, 3, H, W) as (N, D), computed without autograd.</summary>
    Tensor Encode(Tensor batch);
}
