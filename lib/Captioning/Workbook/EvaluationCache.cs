using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Captioning.Data;
using Captioning.Evaluation;
using Captioning.Inference;
using Captioning.Training;
using TorchSharp;

namespace Captioning.Workbook;

/// <summary>
/// Evaluates a run (model and both baselines) once and keeps the result as JSON, so a rerun of notebook 04 and
/// `caption demo`'s closing table read it back instead of decoding and bootstrapping again.
/// </summary>
public static class EvaluationCache
{
    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>
    /// The cache file of one run of the current experiment (<paramref name="model"/> with <paramref name="seed"/>, default its
    /// first seed), split, beam size and resample count: &lt;key&gt;-&lt;model&gt;-seed&lt;N&gt;-test-beam3-bootstrap1000.json.
    /// </summary>
    public static string PathOf(WorkbookFolders folders, string model, Split split, DecodeOptions decode, BootstrapOptions bootstrap, int? seed = null) =>
        PathOf(Experiment.Current(folders), model, split, decode, bootstrap, seed);

    private static string PathOf(Experiment experiment, string model, Split split, DecodeOptions decode, BootstrapOptions bootstrap, int? seed) =>
        Path.Combine(experiment.Folders.Evaluations, string.Create(CultureInfo.InvariantCulture,
            $"{experiment.Key}-{model}-seed{seed ?? experiment.Seeds[0]}-{split.ToString().ToLowerInvariant()}-beam{decode.BeamSize}-bootstrap{bootstrap.Resamples}.json"));

    /// <summary>
    /// The evaluation of <paramref name="model"/>'s run: read from the cache when it was made from the same best checkpoint
    /// with the same decoding and resampling, computed with <see cref="RunEvaluator.Evaluate"/> on <paramref name="device"/>
    /// (default: <see cref="TorchRuntime.DefaultDevice"/>) and cached otherwise. The device is not part of the cache key:
    /// it changes how fast the captions come, not which. Decoding stops between batches of images when the notebook cell
    /// running it is cancelled (<see cref="NotebookCancellation"/>).
    /// </summary>
    public static EvaluationResult EvaluateOrLoad(WorkbookFolders folders, string model, Split split, DecodeOptions decode, BootstrapOptions bootstrap,
        Action<string>? log = null, torch.Device? device = null, int? seed = null) =>
        EvaluateOrLoadRun(Experiment.Current(folders), model, split, decode, bootstrap, log, device, seed);

    // The same, for a run of an experiment already read from runs/current.json (the loops below read it once).
    private static EvaluationResult EvaluateOrLoadRun(Experiment experiment, string model, Split split, DecodeOptions decode, BootstrapOptions bootstrap,
        Action<string>? log, torch.Device? device, int? seed)
    {
        var run = experiment.Run(model, seed);
        if (!run.IsFinished) throw new CaptioningException($"run '{run.Path}' has not finished training; run 03-merge-vs-inject.dib first with the same workDir");
        var key = Key(run, decode, bootstrap);
        var path = PathOf(experiment, model, split, decode, bootstrap, seed);
        var label = seed is null ? model : string.Create(CultureInfo.InvariantCulture, $"{model} seed {seed}");
        if (TryRead(path) is { } cached && cached.Key == key) return Reused(label, path, cached, log);
        // Computing writes: locked, then read again, in case another process has just written it.
        using var writing = WriterLock.Acquire(path, "evaluation cache");
        if (TryRead(path) is { } written && written.Key == key) return Reused(label, path, written, log);
        var result = RunEvaluator.Evaluate(run, split, decode, bootstrap, device, NotebookCancellation.Current);
        Directory.CreateDirectory(experiment.Folders.Evaluations);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(new CachedEvaluation(key, result), Json));
        log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{label}: evaluated {result.Model.Images} {split.ToString().ToLowerInvariant()} images with beam {decode.BeamSize}"));
        return result;
    }

    private static EvaluationResult Reused(string label, string path, CachedEvaluation cached, Action<string>? log)
    {
        log?.Invoke($"{label}: reusing the evaluation in '{path}'");
        return cached.Result;
    }

    /// <summary>Evaluates (or reads back) every model in <paramref name="models"/> on the same split with the same settings, decoding on <paramref name="device"/>.</summary>
    public static IReadOnlyList<ScoredModel> EvaluateAll(WorkbookFolders folders, IEnumerable<string> models, Split split, DecodeOptions decode,
        BootstrapOptions bootstrap, Action<string>? log = null, torch.Device? device = null)
    {
        var experiment = Experiment.Current(folders);
        return models.Select(m => new ScoredModel(m, EvaluateOrLoadRun(experiment, m, split, decode, bootstrap, log, device, null))).ToList();
    }

    /// <summary>
    /// Each model decoded with every beam size of <paramref name="beams"/> (1 is greedy), without resampling; the results in
    /// <paramref name="already"/> (decoded with <paramref name="alreadyBeam"/>) are reused rather than decoded again. Decoding runs on <paramref name="device"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<int, EvaluationResult>> BeamSweep(WorkbookFolders folders,
        IReadOnlyList<ScoredModel> already, int alreadyBeam, IEnumerable<int> beams, Action<string>? log = null, torch.Device? device = null)
    {
        var sizes = beams.Distinct().Order().ToList();
        if (sizes.Count == 0 || sizes[0] < 1) throw new CaptioningException($"beamSizes must list beam sizes of at least 1, got '{string.Join(" ", sizes)}'");
        var experiment = Experiment.Current(folders);
        var sweep = new Dictionary<string, IReadOnlyDictionary<int, EvaluationResult>>();
        foreach (var model in already)
        {
            var byBeam = new SortedDictionary<int, EvaluationResult>();
            foreach (var beam in sizes)
                byBeam[beam] = beam == alreadyBeam
                    ? model.Result
                    : EvaluateOrLoadRun(experiment, model.Name, model.Result.Split, new DecodeOptions(BeamSize: beam), BootstrapOptions.None, log, device, null);
            sweep[model.Name] = byBeam;
        }
        return sweep;
    }

    /// <summary>
    /// Every run of the current experiment, each architecture with each of its seeds, decoded with <paramref name="decode"/>
    /// and scored without resampling (cached like <see cref="EvaluateOrLoad"/>): what <see cref="SeedComparison"/> reads.
    /// </summary>
    public static IReadOnlyList<SeedScore> EvaluateSeeds(WorkbookFolders folders, Split split, DecodeOptions decode, Action<string>? log = null, torch.Device? device = null)
    {
        var experiment = Experiment.Current(folders);
        return experiment.Architectures.SelectMany(a => experiment.Seeds.Select(s =>
            new SeedScore(a, s, EvaluateOrLoadRun(experiment, a, split, decode, BootstrapOptions.None, log, device, s)))).ToList();
    }

    /// <summary>Reads a cached evaluation, or null when the file is missing or unreadable (it is then recomputed).</summary>
    public static EvaluationResult? TryLoad(WorkbookFolders folders, string model, Split split, DecodeOptions decode, BootstrapOptions bootstrap, int? seed = null)
    {
        var experiment = Experiment.Current(folders);
        var run = experiment.Run(model, seed);
        if (!run.IsFinished) return null;
        var cached = TryRead(PathOf(experiment, model, split, decode, bootstrap, seed));
        return cached != null && cached.Key == Key(run, decode, bootstrap) ? cached.Result : null;
    }

    private static CachedEvaluation? TryRead(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            // Well-formed JSON can still lack the result (an edited or foreign file): that is as unreadable as a torn one.
            return JsonSerializer.Deserialize<CachedEvaluation>(File.ReadAllText(path), Json) is
                { Key: not null, Result: { Model: not null, Baselines: not null, Predictions: not null, References: not null } } cached
                ? cached
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // The checkpoint's hash ties the cache to the weights it scored; the options to how it decoded and resampled.
    private static string Key(RunFolder run, DecodeOptions decode, BootstrapOptions bootstrap)
    {
        using var stream = File.OpenRead(run.BestCheckpointPath);
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        return hash + " " + JsonSerializer.Serialize(decode) + " " + JsonSerializer.Serialize(bootstrap);
    }

    private sealed record CachedEvaluation(string Key, EvaluationResult Result);
}
