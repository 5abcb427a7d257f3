using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Captioning.Data;
using Captioning.Models;
using Captioning.Weights;
using TorchSharp;

namespace Captioning.Training;

/// <summary>Where a run's inputs came from; checked again when a run is resumed.</summary>
/// <param name="Data">Dataset folder.</param>
/// <param name="Features">Feature store file.</param>
/// <param name="Encoder">Encoder that produced the features.</param>
/// <param name="FeatureFingerprint">Identity of the feature store (encoder + weights hash + dimension).</param>
/// <param name="WordVectors">The pretrained word-vector file the embedding started from, or null.</param>
/// <param name="WordVectorsSha256">SHA-256 of that file; a resumed run must be given a file with the same hash.</param>
public sealed record RunInputs(string Data, string Features, string Encoder, string FeatureFingerprint, string? WordVectors = null, string? WordVectorsSha256 = null);

/// <summary>
/// A training run's folder: config.json, vocabulary.json, metrics.csv / metrics.jsonl, train.log,
/// checkpoints/best.safetensors (+ best.json), checkpoints/last.safetensors (model and optimiser,
/// for resuming) and finished.json. Every file is written atomically.
/// </summary>
public sealed class RunFolder
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Opens (without creating) the folder at <paramref name="path"/>.</summary>
    public RunFolder(string path) => Path = System.IO.Path.GetFullPath(path);

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>config.json.</summary>
    public string ConfigPath => System.IO.Path.Combine(Path, "config.json");
    /// <summary>vocabulary.json (a copy of the vocabulary the model was trained with).</summary>
    public string VocabularyPath => System.IO.Path.Combine(Path, "vocabulary.json");
    /// <summary>metrics.csv.</summary>
    public string MetricsCsvPath => System.IO.Path.Combine(Path, "metrics.csv");
    /// <summary>metrics.jsonl.</summary>
    public string MetricsJsonPath => System.IO.Path.Combine(Path, "metrics.jsonl");
    /// <summary>train.log.</summary>
    public string LogPath => System.IO.Path.Combine(Path, "train.log");
    /// <summary>The best epoch's weights.</summary>
    public string BestCheckpointPath => System.IO.Path.Combine(Path, "checkpoints", "best.safetensors");
    /// <summary>Key prefix of the model tensors in last.safetensors.</summary>
    public const string ModelPrefix = "model.";

    /// <summary>Key prefix of the optimiser tensors and metadata in last.safetensors.</summary>
    public const string OptimizerPrefix = "optim.";

    /// <summary>The entries whose key starts with <paramref name="prefix"/>, with the prefix removed.</summary>
    public static Dictionary<string, T> WithPrefix<T>(IEnumerable<KeyValuePair<string, T>> entries, string prefix) =>
        entries.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);

    /// <summary>The latest epoch's weights and optimiser state.</summary>
    public string LastCheckpointPath => System.IO.Path.Combine(Path, "checkpoints", "last.safetensors");
    /// <summary>Written when training has ended.</summary>
    public string FinishedPath => System.IO.Path.Combine(Path, "finished.json");

    /// <summary>Locks the folder for this process's writes (train, resume); see <see cref="WriterLock"/>.</summary>
    public WriterLock LockForWriting() => WriterLock.Acquire(Path, "run folder");

    /// <summary>True when the folder holds a run that ended.</summary>
    public bool IsFinished => File.Exists(FinishedPath);

    /// <summary>True when the folder holds a resumable checkpoint.</summary>
    public bool HasLastCheckpoint => File.Exists(LastCheckpointPath);

    /// <summary>Writes config.json and the vocabulary for a new run.</summary>
    public void Initialise(CaptionModelOptions model, TrainingOptions training, RunInputs inputs, Vocabulary vocabulary)
    {
        Directory.CreateDirectory(System.IO.Path.Combine(Path, "checkpoints"));
        var config = new JsonObject
        {
            ["format"] = 1,
            ["architecture"] = CaptionModelOptions.NameOf(model.Architecture),
            ["model"] = JsonSerializer.SerializeToNode(model),
            ["training"] = JsonSerializer.SerializeToNode(training),
            ["inputs"] = JsonSerializer.SerializeToNode(inputs),
            ["vocabulary_size"] = vocabulary.Count,
            ["vocabulary_fingerprint"] = Fingerprint(vocabulary),
            ["created"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        AtomicFile.WriteAllText(ConfigPath, config.ToJsonString(Json));
        vocabulary.Save(VocabularyPath);
    }

    /// <summary>
    /// Throws a <see cref="CaptioningException"/> when this run cannot continue with the given vocabulary,
    /// features, model sizes and (when given) training settings; <paramref name="fix"/> ends each message.
    /// </summary>
    public void CheckResumable(CaptionModelOptions model, RunInputs inputs, Vocabulary vocabulary, string fix, TrainingOptions? training = null)
    {
        var (savedModel, savedTraining, savedInputs, savedVocabulary) = ReadConfig();
        if (savedVocabulary != Fingerprint(vocabulary))
            throw new CaptioningException($"cannot resume '{Path}': its vocabulary differs from the one the dataset gives now (other captions or --min-count); {fix}");
        if (savedInputs.FeatureFingerprint != inputs.FeatureFingerprint)
            throw new CaptioningException($"cannot resume '{Path}': it was trained on features {savedInputs.FeatureFingerprint} ({savedInputs.Features}), not {inputs.FeatureFingerprint}; {fix}");
        if (savedInputs.WordVectorsSha256 != inputs.WordVectorsSha256)
            throw new CaptioningException(savedInputs.WordVectorsSha256 == null
                ? $"cannot resume '{Path}': it was started without word vectors, now given '{inputs.WordVectors}'; {fix}"
                : $"cannot resume '{Path}': it was started with word vectors '{savedInputs.WordVectors}' (SHA-256 {savedInputs.WordVectorsSha256[..16]}...), " +
                  (inputs.WordVectorsSha256 == null ? "now given none" : $"now given '{inputs.WordVectors}' (SHA-256 {inputs.WordVectorsSha256[..16]}...)") + $"; {fix}");
        if (savedModel != model)
            throw new CaptioningException($"cannot resume '{Path}': it was started as {CaptionModelOptions.NameOf(savedModel.Architecture)} with {Differences(savedModel, model)}; {fix}");
        if (training != null && savedTraining != training)
            throw new CaptioningException(string.Create(CultureInfo.InvariantCulture,
                $"cannot resume '{Path}': it was started with other training settings ({savedTraining.Epochs} epochs, batch {savedTraining.BatchSize}, lr {savedTraining.LearningRate}; {Differences(savedTraining, training)}); {fix}"));
    }

    /// <summary>The settings that differ, as "Dropout 0.3 (now 0.5), Layers 1 (now 2)".</summary>
    internal static string Differences<T>(T saved, T now)
    {
        var names = new JsonSerializerOptions { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) } };
        var before = JsonSerializer.SerializeToNode(saved, names)!.AsObject();
        var after = JsonSerializer.SerializeToNode(now, names)!.AsObject();
        return string.Join(", ", before.Where(kv => !JsonNode.DeepEquals(kv.Value, after[kv.Key]))
            .Select(kv => $"{kv.Key} {kv.Value?.ToJsonString() ?? "null"} (now {after[kv.Key]?.ToJsonString() ?? "null"})"));
    }

    /// <summary>A short identity of a vocabulary's words (SHA-256 of the words in id order).</summary>
    public static string Fingerprint(Vocabulary vocabulary) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', vocabulary.Words))))[..16];

    /// <summary>The saved configuration.</summary>
    public (CaptionModelOptions Model, TrainingOptions Training, RunInputs Inputs, string VocabularyFingerprint) ReadConfig()
    {
        if (!File.Exists(ConfigPath)) throw new CaptioningException($"'{Path}' is not a run folder: config.json is missing");
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(ConfigPath))!;
            return (node["model"].Deserialize<CaptionModelOptions>()!, node["training"].Deserialize<TrainingOptions>()!,
                node["inputs"].Deserialize<RunInputs>()!, node["vocabulary_fingerprint"]!.GetValue<string>());
        }
        catch (Exception e) when (e is JsonException or NullReferenceException or InvalidOperationException)
        {
            throw new CaptioningException($"'{ConfigPath}' is malformed: {e.Message}");
        }
    }

    /// <summary>Loads the run's vocabulary.</summary>
    public Vocabulary ReadVocabulary() => Vocabulary.Load(VocabularyPath);

    /// <summary>Rewrites both metrics files from the full history.</summary>
    public void WriteMetrics(IReadOnlyList<EpochMetrics> history)
    {
        var extraKeys = history.SelectMany(h => h.Extra?.Keys ?? []).Distinct().Order(StringComparer.Ordinal).ToList();
        var csv = new StringBuilder("epoch,train_loss,val_loss,lr,tokens_per_s,seconds,best" + string.Concat(extraKeys.Select(k => "," + k)) + "\n");
        var jsonl = new StringBuilder();
        foreach (var m in history)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{m.Epoch},{m.TrainLoss:R},{m.ValidationLoss:R},{m.LearningRate:R},{m.TokensPerSecond:F1},{m.Seconds:F2},{(m.IsBest ? 1 : 0)}");
            foreach (var k in extraKeys) csv.Append(',').Append(m.Extra != null && m.Extra.TryGetValue(k, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : "");
            csv.Append('\n');
            jsonl.Append(JsonSerializer.Serialize(m)).Append('\n');
        }
        AtomicFile.WriteAllText(MetricsCsvPath, csv.ToString());
        AtomicFile.WriteAllText(MetricsJsonPath, jsonl.ToString());
    }

    /// <summary>Reads metrics.jsonl (empty when absent).</summary>
    public IReadOnlyList<EpochMetrics> ReadMetrics() => File.Exists(MetricsJsonPath)
        ? File.ReadAllLines(MetricsJsonPath).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<EpochMetrics>(l)!).ToList()
        : [];

    /// <summary>Appends a timestamped line to train.log.</summary>
    public void Log(string line) =>
        File.AppendAllText(LogPath, $"{DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} {line}\n");

    /// <summary>
    /// Saves model weights as best.safetensors (keys = state-dict names) and best.json describing them; the
    /// weights' seal binds best.json, config.json and vocabulary.json (<see cref="CheckpointIntegrity"/>).
    /// </summary>
    public void SaveBest(CaptionModel model, IReadOnlyDictionary<string, string> metadata)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(BestCheckpointPath)!);
        var sidecar = new UTF8Encoding(false).GetBytes(JsonSerializer.Serialize(metadata, Json));
        var bound = BoundFiles();
        bound[System.IO.Path.GetRelativePath(Path, BestSidecarPath)] = sidecar;
        SafeTensors.SaveSealed(BestCheckpointPath, model.state_dict(), metadata, bound);
        AtomicFile.WriteAllBytes(BestSidecarPath, sidecar);
    }

    /// <summary>best.json: the best checkpoint's metadata as readable JSON.</summary>
    public string BestSidecarPath => System.IO.Path.ChangeExtension(BestCheckpointPath, ".json");

    /// <summary>The files every checkpoint of this run is sealed together with (name relative to the folder → what is hashed of it now).</summary>
    internal Dictionary<string, byte[]> BoundFiles() => new()
    {
        ["config.json"] = BoundContent("config.json", File.ReadAllBytes(ConfigPath)),
        ["vocabulary.json"] = File.ReadAllBytes(VocabularyPath),
    };

    /// <summary>
    /// What a checkpoint's seal hashes of a bound file: its bytes, except config.json without its creation time and input paths
    /// (inputs.Data, inputs.Features, inputs.WordVectors; the word vectors' hash stays), which say when and where, not what (the features' fingerprint stays): runs of the same
    /// settings write byte-identical checkpoints wherever they run, and a run folder may move along with its data.
    /// </summary>
    internal static byte[] BoundContent(string name, byte[] bytes)
    {
        if (name != "config.json") return bytes;
        try
        {
            var config = JsonNode.Parse(bytes)!.AsObject();
            config.Remove("created");
            var inputs = config["inputs"]!.AsObject();
            inputs.Remove(nameof(RunInputs.Data));
            inputs.Remove(nameof(RunInputs.Features));
            inputs.Remove(nameof(RunInputs.WordVectors));
            return Encoding.UTF8.GetBytes(config.ToJsonString());
        }
        catch (Exception e) when (e is JsonException or NullReferenceException or InvalidOperationException)
        {
            return bytes; // malformed: hashed as it is, so it differs from what was sealed
        }
    }

    /// <summary>
    /// Checks a checkpoint of this run against its seal and returns its metadata; a damaged file or a folder mixing
    /// two runs is a <see cref="CaptioningException"/> that says which checkpoint is still intact, or how to start over.
    /// </summary>
    public IReadOnlyDictionary<string, string> VerifyCheckpoint(string path) =>
        SafeTensors.VerifySeal(path, () => Advice(path), Path, BoundContent);

    private string Advice(string damaged)
    {
        var other = damaged == BestCheckpointPath ? LastCheckpointPath : BestCheckpointPath;
        var name = System.IO.Path.GetFileName(other);
        var intact = File.Exists(other) && SafeTensors.HasIntactSeal(other, Path, BoundContent) ? $"{name} is intact, " : "";
        return damaged == LastCheckpointPath
            ? $"{intact}but training does not resume from another checkpoint: restore '{damaged}' from a copy of this run, or start over with `caption train ... --force`"
            : $"{intact}restore '{damaged}' from a copy of this run, or retrain with `caption train ... --force`";
    }

    /// <summary>A model with the run's best (or last) weights, in eval mode, on <paramref name="device"/> (default: the CPU).</summary>
    public CaptionModel LoadModel(bool best = true, torch.Device? device = null)
    {
        var (options, _, _, _) = ReadConfig();
        var path = best ? BestCheckpointPath : LastCheckpointPath;
        if (!File.Exists(path)) throw new CaptioningException($"run '{Path}' has no {(best ? "best" : "last")} checkpoint yet ({path}); train it first");
        ModelDefinition.EnsureLibraryCanLoad(this);
        var model = CaptionModelFactory.Create(options);
        try
        {
            if (device != null) model.to(device);
            VerifyCheckpoint(path);
            using var weights = SafeTensors.Load(path, device);
            // best.safetensors holds plain state-dict keys; last.safetensors prefixes them (and holds the optimiser too).
            var state = best ? weights.ToDictionary(kv => kv.Key, kv => kv.Value) : WithPrefix(weights, ModelPrefix);
            model.LoadStateDict(state, strict: true, sourceName: path);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.eval();
        return model;
    }
}
