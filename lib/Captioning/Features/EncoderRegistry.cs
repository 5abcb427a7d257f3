namespace Captioning.Features;

/// <summary>Creates encoders by the names the CLI, options and feature stores use.</summary>
public static class EncoderRegistry
{
    // One line per encoder architecture. Extension point: another architecture (small-cnn, whose
    // weights come from training rather than a file, is built by SmallCnnEncoder instead) adds
    // its line here; every name listed is accepted by Create and shown in its error.
    private static readonly IReadOnlyDictionary<string, Func<IImageEncoder>> Factories = new Dictionary<string, Func<IImageEncoder>>(StringComparer.Ordinal)
    {
        [EncoderNames.Vgg16] = () => new Vgg16Encoder(),
        [EncoderNames.ResNet50] = () => new ResNet50Encoder(),
        [EncoderNames.InceptionV3] = () => new InceptionV3Encoder(),
    };

    /// <summary>Every registered name, in registration order.</summary>
    public static IReadOnlyList<string> Names { get; } = Factories.Keys.ToArray();

    /// <summary>
    /// A new encoder with random (PyTorch default) weights, in evaluation mode; load real ones
    /// with <see cref="EncoderWeights.Load"/>. An unknown name throws a <see cref="CaptioningException"/> listing the valid ones.
    /// </summary>
    public static IImageEncoder Create(string name) =>
        Factories.TryGetValue(name, out var factory)
            ? factory()
            : throw new CaptioningException($"unknown encoder '{name}'; expected one of: {string.Join(", ", Names)}");
}
