namespace Captioning.Models;

/// <summary>Where the image enters the caption generator (Tanti, Gatt and Camilleri 2017).</summary>
public enum Architecture
{
    /// <summary>Image and text encoded separately and combined after the LSTM (the tutorial's model).</summary>
    Merge,
    /// <summary>The image sets the LSTM's initial hidden and cell state.</summary>
    InitInject,
    /// <summary>The image is the LSTM's first input step (Show and Tell).</summary>
    PreInject,
    /// <summary>The image is concatenated to every word embedding.</summary>
    ParInject,
}

/// <summary>How the merge model combines its image and text vectors.</summary>
public enum MergeCombine
{
    /// <summary>Element-wise sum (the tutorial).</summary>
    Add,
    /// <summary>Concatenation.</summary>
    Concat,
}

/// <summary>Sizes and regularisation of a caption model; presets are static members.</summary>
/// <param name="Architecture">Where the image enters.</param>
/// <param name="VocabularySize">Output classes, including the special tokens.</param>
/// <param name="FeatureDimension">Width of the cached image feature.</param>
/// <param name="EmbeddingDimension">Word vector width.</param>
/// <param name="HiddenDimension">LSTM state width (and the merge model's image/text vector width).</param>
/// <param name="Layers">Stacked LSTM layers.</param>
/// <param name="Dropout">Dropout on the word embeddings, the LSTM output of inject models, and the image
/// feature unless <paramref name="ImageDropout"/> is set (the tutorial: 0.5 on both inputs).</param>
/// <param name="LstmDropout">Dropout between LSTM layers (multi-layer only).</param>
/// <param name="Combine">Merge only: add or concatenate.</param>
/// <param name="ImageDropout">Dropout on the image feature; null: the same as <paramref name="Dropout"/>.</param>
public sealed record CaptionModelOptions(
    Architecture Architecture,
    long VocabularySize,
    long FeatureDimension,
    long EmbeddingDimension = 256,
    long HiddenDimension = 256,
    int Layers = 1,
    double Dropout = 0.5,
    double LstmDropout = 0,
    MergeCombine Combine = MergeCombine.Add,
    double? ImageDropout = null)
{
    /// <summary>Index of the padding token; its embedding stays zero and its targets are ignored.</summary>
    public const long PadId = 0;

    /// <summary>Checks the sizes, naming the offending field.</summary>
    public CaptionModelOptions Validate()
    {
        if (VocabularySize < 4) throw new CaptioningException($"vocabulary size must be at least 4 (the special tokens), got {VocabularySize}");
        if (FeatureDimension < 1) throw new CaptioningException($"feature dimension must be positive, got {FeatureDimension}");
        if (EmbeddingDimension < 1 || HiddenDimension < 1) throw new CaptioningException("embedding and hidden sizes must be positive");
        if (Layers < 1) throw new CaptioningException($"layers must be at least 1, got {Layers}");
        if (Dropout is < 0 or >= 1) throw new CaptioningException($"dropout must be in [0, 1), got {Dropout}");
        if (LstmDropout is < 0 or >= 1) throw new CaptioningException($"LSTM dropout must be in [0, 1), got {LstmDropout}");
        if (ImageDropout is < 0 or >= 1) throw new CaptioningException($"image dropout must be in [0, 1), got {ImageDropout}");
        return this;
    }

    /// <summary>The dropout rate applied to the image feature.</summary>
    public double ImageDropoutRate() => ImageDropout ?? Dropout;

    /// <summary>The CLI/config name of an architecture.</summary>
    public static string NameOf(Architecture a) => a switch
    {
        Architecture.Merge => "merge",
        Architecture.InitInject => "init-inject",
        Architecture.PreInject => "pre-inject",
        Architecture.ParInject => "par-inject",
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    /// <summary>Every architecture name.</summary>
    public static IReadOnlyList<string> ArchitectureNames { get; } = Enum.GetValues<Architecture>().Select(NameOf).ToArray();

    /// <summary>Parses an architecture name; an unknown one lists the valid names.</summary>
    public static Architecture ParseArchitecture(string name)
    {
        var key = name.Trim().ToLowerInvariant();
        foreach (var a in Enum.GetValues<Architecture>())
        {
            if (NameOf(a) == key) return a;
        }
        throw new CaptioningException($"unknown model '{name}'; valid models: {string.Join(", ", ArchitectureNames)}");
    }
}
