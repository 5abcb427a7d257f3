using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Captioning.Features;
using Captioning.Models;
using Captioning.Training;
using Microsoft.Data.Analysis;

namespace Captioning.Workbook;

/// <summary>
/// Every setting that decides what notebook 03 trains, apart from the architecture and the seed (each run of an
/// <see cref="Experiment"/> has its own). The defaults are the <c>demo</c> preset's (<see cref="TrainingPreset.Demo"/>),
/// the values notebook 03's parameters cell shows. Two experiments with equal settings on the same data share a
/// <see cref="Experiment.Key"/>, so a notebook rerun with unchanged parameters finds its finished runs, and any change
/// trains new ones.
/// </summary>
/// <param name="Encoder">The image encoder whose features the models read (notebook 02's store).</param>
/// <param name="Embedding">Word-embedding width.</param>
/// <param name="Hidden">LSTM (and image projection) width.</param>
/// <param name="Layers">Stacked LSTM layers.</param>
/// <param name="Dropout">Dropout on the word embeddings (and the inject models' LSTM output).</param>
/// <param name="ImageDropout">Dropout on the image feature.</param>
/// <param name="LstmDropout">Dropout between stacked LSTM layers (only with <paramref name="Layers"/> &gt; 1).</param>
/// <param name="Combine">How the merge model joins image and words: add (the tutorial) or concat.</param>
/// <param name="Epochs">Passes over the training captions; the epoch with the lowest validation loss is kept.</param>
/// <param name="BatchSize">Captions per step.</param>
/// <param name="LearningRate">Adam's step size.</param>
/// <param name="ClipNorm">Gradient-norm limit; 0 turns clipping off.</param>
/// <param name="PlateauPatience">Epochs without a better validation loss before the learning rate is cut; 0 turns that off.</param>
/// <param name="PlateauFactor">The factor of that cut.</param>
/// <param name="WordVectors">Pretrained word vectors (GloVe or fastText text, plain or gzip) to start the embedding from; "" for none.</param>
/// <param name="FreezeEmbeddings">Keep the embedding as it starts instead of training it.</param>
public sealed record ExperimentSettings(
    string Encoder = EncoderNames.SmallCnn,
    long Embedding = 128,
    long Hidden = 128,
    int Layers = 1,
    double Dropout = 0.3,
    double ImageDropout = 0,
    double LstmDropout = 0,
    string Combine = "add",
    int Epochs = 20,
    int BatchSize = 64,
    double LearningRate = 3e-3,
    double ClipNorm = 5,
    int PlateauPatience = 1,
    double PlateauFactor = 0.5,
    string WordVectors = "",
    bool FreezeEmbeddings = false)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    /// <summary>The settings of a preset (its model sizes and training recipe) with <paramref name="encoder"/>'s features.</summary>
    public static ExperimentSettings FromPreset(TrainingPreset preset, string encoder)
    {
        var (m, t) = (preset.Model, preset.Training);
        return new ExperimentSettings(encoder, m.Embedding, m.Hidden, m.Layers, m.Dropout, m.ImageDropout ?? m.Dropout, m.LstmDropout,
            m.Combine.ToString().ToLowerInvariant(), t.Epochs, t.BatchSize, t.LearningRate, t.ClipNorm, t.PlateauPatience, t.PlateauFactor);
    }

    /// <summary>Checks every value, naming the notebook parameter at fault and what it expects.</summary>
    public ExperimentSettings Validate()
    {
        if (string.IsNullOrWhiteSpace(Encoder)) throw new CaptioningException("encoder is empty; give the encoder whose features notebook 02 extracted (e.g. small-cnn)");
        if (Embedding < 1) throw new CaptioningException($"embedding must be at least 1, got {Embedding}");
        if (Hidden < 1) throw new CaptioningException($"hidden must be at least 1, got {Hidden}");
        if (Layers < 1) throw new CaptioningException($"layers must be at least 1, got {Layers}");
        foreach (var (name, value) in new[] { ("dropout", Dropout), ("imageDropout", ImageDropout), ("lstmDropout", LstmDropout) })
        {
            if (!(value is >= 0 and < 1)) throw new CaptioningException($"{name} must be in [0, 1), got {value.ToString(CultureInfo.InvariantCulture)}");
        }
        _ = MergeCombineOf(Combine);
        if (Epochs < 1) throw new CaptioningException($"epochs must be at least 1, got {Epochs}");
        if (BatchSize < 1) throw new CaptioningException($"batchSize must be at least 1, got {BatchSize}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new CaptioningException($"learningRate must be positive, got {LearningRate.ToString(CultureInfo.InvariantCulture)}");
        if (!(ClipNorm >= 0)) throw new CaptioningException($"clipNorm must be 0 (off) or more, got {ClipNorm.ToString(CultureInfo.InvariantCulture)}");
        if (PlateauPatience < 0) throw new CaptioningException($"plateauPatience must be 0 (off) or more, got {PlateauPatience}");
        if (PlateauFactor is <= 0 or >= 1) throw new CaptioningException($"plateauFactor must be in (0, 1), got {PlateauFactor.ToString(CultureInfo.InvariantCulture)}");
        if (FreezeEmbeddings && string.IsNullOrEmpty(WordVectors))
            throw new CaptioningException("freezeEmbeddings = true needs wordVectors: frozen random embeddings would never learn the words");
        return this;
    }

    /// <summary>The model's sizes for <paramref name="architecture"/>.</summary>
    public ModelShape Model(string architecture) => new(CaptionModelOptions.ParseArchitecture(architecture), Embedding, Hidden, Layers,
        Dropout, LstmDropout, MergeCombineOf(Combine), ImageDropout);

    /// <summary>The training recipe of the run with <paramref name="seed"/>.</summary>
    public TrainingOptions Training(int seed) => new TrainingOptions(Epochs, BatchSize, LearningRate, ClipNorm, seed,
        PlateauPatience: PlateauPatience, PlateauFactor: PlateauFactor, FreezeEmbeddings: FreezeEmbeddings).Validate();

    /// <summary>
    /// A short stable name of these settings together with <paramref name="data"/> (what the runs learn from: the feature
    /// store's identity and the vocabulary), the first 12 hex digits of the SHA-256 of both.
    /// </summary>
    public string Key(string data)
    {
        var text = JsonSerializer.Serialize(this, Json) + "\n" + data;
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
    }

    /// <summary>The settings as indented JSON (settings.json of an experiment folder).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads settings written by <see cref="ToJson"/>; a broken file is named.</summary>
    public static ExperimentSettings Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<ExperimentSettings>(File.ReadAllText(path), Json)
                ?? throw new CaptioningException($"'{path}' holds no experiment settings");
        }
        catch (JsonException e)
        {
            throw new CaptioningException($"'{path}' is not valid experiment settings JSON: {e.Message}");
        }
    }

    /// <summary>
    /// Every setting that differs between <paramref name="other"/> and these, as "name old → new" parts; empty when none.
    /// </summary>
    public IReadOnlyList<string> Differences(ExperimentSettings other) =>
        Rows().Zip(other.Rows(), (a, b) => a.Value == b.Value ? null : $"{a.Name} {a.Value} → {b.Value}").OfType<string>().ToList();

    /// <summary>The settings as a two-column DataFrame (setting, value), in the order of the notebook's parameters.</summary>
    public DataFrame ToFrame()
    {
        Reports.KernelFormatters.EnsureRegistered();
        var rows = Rows();
        return new DataFrame(new StringDataFrameColumn("setting", rows.Select(r => r.Name)), new StringDataFrameColumn("value", rows.Select(r => r.Value)));
    }

    /// <summary>Each setting by its notebook parameter name, with its value as invariant text.</summary>
    public IReadOnlyList<(string Name, string Value)> Rows() =>
    [
        ("encoder", Encoder), ("embedding", I(Embedding)), ("hidden", I(Hidden)), ("layers", I(Layers)), ("dropout", I(Dropout)),
        ("imageDropout", I(ImageDropout)), ("lstmDropout", I(LstmDropout)), ("combine", Combine), ("epochs", I(Epochs)),
        ("batchSize", I(BatchSize)), ("learningRate", I(LearningRate)), ("clipNorm", I(ClipNorm)), ("plateauPatience", I(PlateauPatience)),
        ("plateauFactor", I(PlateauFactor)), ("wordVectors", WordVectors == "" ? "(none)" : WordVectors), ("freezeEmbeddings", FreezeEmbeddings ? "true" : "false"),
    ];

    private static string I(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);

    private static MergeCombine MergeCombineOf(string combine) => combine.Trim().ToLowerInvariant() switch
    {
        "add" => MergeCombine.Add,
        "concat" => MergeCombine.Concat,
        _ => throw new CaptioningException($"combine must be add (the tutorial's sum) or concat, got '{combine}'"),
    };
}
