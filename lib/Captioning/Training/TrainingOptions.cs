using Captioning.Models;

namespace Captioning.Training;

/// <summary>How a caption model is trained.</summary>
/// <param name="Epochs">Passes over the training captions.</param>
/// <param name="BatchSize">Captions per step.</param>
/// <param name="LearningRate">Adam's step size.</param>
/// <param name="ClipNorm">Global gradient-norm limit; 0 turns clipping off.</param>
/// <param name="Seed">Seeds initialisation, shuffling and dropout; the same seed gives the same run on CPU.</param>
/// <param name="Patience">Early stopping after this many epochs without a better validation loss; 0 turns it off.</param>
/// <param name="PlateauPatience">Reduce-on-plateau patience in epochs; 0 turns the scheduler off.</param>
/// <param name="PlateauFactor">Learning-rate factor applied on a plateau.</param>
/// <param name="LabelSmoothing">Cross-entropy label smoothing of the training loss (the validation loss stays unsmoothed).</param>
/// <param name="WeightDecay">Adam's L2 weight decay (added to the gradient, as torch.optim.Adam does).</param>
/// <param name="BucketByLength">Group captions of similar length into batches (less padding).</param>
/// <param name="ValidateEvery">Also compute validation BLEU-4/CIDEr-D with greedy decoding every k epochs; 0 turns it off.</param>
/// <param name="FreezeEmbeddings">Keep the word embedding as it starts (e.g. pretrained word vectors): it gets no gradient and no updates.</param>
public sealed record TrainingOptions(
    int Epochs = 20,
    int BatchSize = 64,
    double LearningRate = 1e-3,
    double ClipNorm = 0,
    int Seed = 1,
    int Patience = 0,
    int PlateauPatience = 0,
    double PlateauFactor = 0.5,
    double LabelSmoothing = 0,
    double WeightDecay = 0,
    bool BucketByLength = true,
    int ValidateEvery = 0,
    bool FreezeEmbeddings = false)
{
    /// <summary>Checks every value, naming the option at fault.</summary>
    public TrainingOptions Validate()
    {
        if (Epochs < 1) throw new CaptioningException($"--epochs must be at least 1, got {Epochs}");
        if (BatchSize < 1) throw new CaptioningException($"--batch must be at least 1, got {BatchSize}");
        if (LearningRate <= 0 || double.IsNaN(LearningRate)) throw new CaptioningException($"--lr must be positive, got {LearningRate}");
        if (!(ClipNorm >= 0)) throw new CaptioningException($"--clip must be >= 0, got {ClipNorm}");
        if (Patience < 0 || PlateauPatience < 0 || ValidateEvery < 0) throw new CaptioningException("--patience, --plateau-patience and --validate-every must be >= 0");
        if (PlateauFactor is <= 0 or >= 1) throw new CaptioningException($"--plateau-factor must be in (0, 1), got {PlateauFactor}");
        if (!(LabelSmoothing is >= 0 and < 1)) throw new CaptioningException($"--label-smoothing must be in [0, 1), got {LabelSmoothing}");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) throw new CaptioningException($"--weight-decay must be >= 0 and finite, got {WeightDecay}");
        return this;
    }
}

/// <summary>The sizes of a model before the vocabulary and feature width are known.</summary>
public sealed record ModelShape(Architecture Architecture, long Embedding = 256, long Hidden = 256, int Layers = 1,
    double Dropout = 0.5, double LstmDropout = 0, MergeCombine Combine = MergeCombine.Add, double? ImageDropout = null)
{
    /// <summary>The full options for a vocabulary and feature width.</summary>
    public CaptionModelOptions For(long vocabularySize, long featureDimension) =>
        new(Architecture, vocabularySize, featureDimension, Embedding, Hidden, Layers, Dropout, LstmDropout, Combine, ImageDropout);
}

/// <summary>A named model + training recipe from a reference setup.</summary>
/// <param name="Name">CLI name.</param>
/// <param name="Description">Where it comes from.</param>
/// <param name="Encoder">The image encoder the recipe was designed for.</param>
/// <param name="Model">Model sizes.</param>
/// <param name="Training">Optimisation settings.</param>
public sealed record TrainingPreset(string Name, string Description, string Encoder, ModelShape Model, TrainingOptions Training)
{
    /// <summary>
    /// How to get an embedding of another size, for word vectors that do not fit: only a preset sets it.
    /// <paramref name="chosenAs"/> names this preset as the user chose it ("--preset demo"), <paramref name="presetOption"/>
    /// how they choose another ("--preset" on the command line, "preset" in a notebook).
    /// </summary>
    public string EmbeddingSizeHint(string chosenAs, string presetOption) =>
        $"{chosenAs} sets {Model.Embedding}; choose a {presetOption} with the vectors' size " +
        $"({string.Join(", ", All.Select(p => $"{p.Name}: {p.Model.Embedding}"))}) or vectors of {Model.Embedding} dimensions";

    /// <summary>The tutorial: merge, 256 units, dropout 0.5, VGG16 fc7, Adam 1e-3, 20 epochs, best epoch kept by validation loss.</summary>
    public static TrainingPreset BrownleeMerge { get; } = new("brownlee-merge",
        "Brownlee's tutorial: merge model, VGG16 features, Adam 1e-3, 20 epochs, best validation loss kept", "vgg16",
        new ModelShape(Architecture.Merge), new TrainingOptions(Epochs: 20, BatchSize: 64, LearningRate: 1e-3))
    { VocabularySize = 7_579, MaxLength = 34 };

    /// <summary>
    /// keras-image-captioning: pre-inject, Inception v3, 300-d embedding, 3 LSTM layers of 300, dropout 0.22, lr 5.1e-4, batch 32, clip 5,
    /// 33 epochs. Its embedding takes 300-d pretrained word vectors (GloVe 300d, as the original used; fastText's .vec are 300-d too).
    /// </summary>
    public static TrainingPreset KerasIc { get; } = new("keras-ic",
        "keras-image-captioning (Show and Tell variant): pre-inject, Inception v3 features, 3x300 LSTM; expects 300-d word vectors (GloVe 300d) with --word-vectors", "inception-v3",
        new ModelShape(Architecture.PreInject, 300, 300, 3, 0.22, 0.22),
        new TrainingOptions(Epochs: 33, BatchSize: 32, LearningRate: 5.1e-4, ClipNorm: 5, Patience: 4, PlateauPatience: 2))
    { VocabularySize = 2_536, MaxLength = 20 };

    /// <summary>
    /// Sized for the embedded synthetic dataset and small-cnn features: each model trains in under two minutes on 2 cores.
    /// Word dropout 0.3, none on the 288-d image feature: dropping its cells hid what pre- and init-inject,
    /// which see the image once, must describe (docs/models.md has the measurements).
    /// </summary>
    public static TrainingPreset Demo { get; } = new("demo",
        "Synthetic demo: 128-unit model on small-cnn features, word dropout 0.3, no image dropout, 20 epochs", "small-cnn",
        new ModelShape(Architecture.Merge, 128, 128, 1, 0.3, 0, ImageDropout: 0), new TrainingOptions(Epochs: 20, BatchSize: 64, LearningRate: 3e-3, ClipNorm: 5, PlateauPatience: 1))
    { VocabularySize = 82, MaxLength = 16 };

    /// <summary>
    /// The vocabulary size the recipe's source reports (brownlee-merge: the tutorial's 7,579; keras-ic: 2,536; demo: the
    /// synthetic data's 82 ids), used to describe a model before any data is loaded (<c>caption describe-model</c>).
    /// </summary>
    public long VocabularySize { get; init; }

    /// <summary>Input steps of the longest training caption the recipe's source reports (the tutorial: 34), for the same purpose.</summary>
    public int MaxLength { get; init; }

    /// <summary>Every preset.</summary>
    public static IReadOnlyList<TrainingPreset> All { get; } = [BrownleeMerge, KerasIc, Demo];

    /// <summary>Looks a preset up; an unknown name lists the valid ones.</summary>
    public static TrainingPreset Find(string name) =>
        All.FirstOrDefault(p => p.Name == name.Trim().ToLowerInvariant())
        ?? throw new CaptioningException($"unknown preset '{name}'; valid presets: {string.Join(", ", All.Select(p => p.Name))}");
}
