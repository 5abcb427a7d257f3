using System.Globalization;
using System.Text;
using System.Text.Json;
using Captioning.Data;
using Captioning.Features;
using Captioning.Inference;
using static TorchSharp.torch;
using Captioning.Training;

namespace Captioning.Evaluation;

/// <summary>A run scored on one split, with the two baselines scored on the same images.</summary>
/// <param name="Split">The split decoded.</param>
/// <param name="Model">The model's scores, intervals and per-image scores.</param>
/// <param name="Baselines">"most-frequent" and "nearest-neighbour" scores.</param>
/// <param name="Predictions">Image id → decoded caption, in split order.</param>
/// <param name="References">Image id → raw reference captions.</param>
/// <param name="PredictionsPath">The TSV written into the run folder (a COCO results JSON sits beside it).</param>
/// <param name="BaselinePredictions">Baseline name → image id → its caption, for paired comparisons (null in results saved before it existed).</param>
public sealed record EvaluationResult(Split Split, ScoreReport Model, IReadOnlyDictionary<string, ScoreReport> Baselines,
    IReadOnlyList<KeyValuePair<string, string>> Predictions, IReadOnlyDictionary<string, IReadOnlyList<string>> References, string PredictionsPath,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? BaselinePredictions = null);

/// <summary>Decodes a split with a run's best model and scores it against the references and the baselines.</summary>
public static class RunEvaluator
{
    /// <summary>
    /// Evaluates <paramref name="run"/> on <paramref name="split"/>, decoding on <paramref name="device"/> (default:
    /// <see cref="TorchRuntime.DefaultDevice"/>); predictions go to &lt;run&gt;/predictions/.
    /// </summary>
    public static EvaluationResult Evaluate(RunFolder run, Split split, DecodeOptions decode, BootstrapOptions? bootstrap = null, Device? device = null,
        CancellationToken cancellation = default)
    {
        TorchRuntime.EnsureLoaded();
        var (_, _, inputs, _) = run.ReadConfig();
        // Two evaluations with the same split and beam would write the same predictions; the second is refused up front.
        var stem = PredictionsStem(run, split, decode);
        using var writing = WriterLock.Acquire(stem, "predictions");
        var dataset = DatasetPreparer.Load(inputs.Data, null, new PrepareOptions());
        using var store = FeatureStore.Open(inputs.Features);
        if (TrainingData.Fingerprint(store) != inputs.FeatureFingerprint)
            throw new CaptioningException($"feature store '{inputs.Features}' changed since run '{run.Path}' was trained ({TrainingData.Fingerprint(store)} vs {inputs.FeatureFingerprint}); re-extract with the original encoder or retrain");
        var vocabulary = run.ReadVocabulary();
        var images = dataset.InSplit(split);
        if (images.Count == 0) throw new CaptioningException($"dataset '{inputs.Data}' has no {split} images");
        var ids = images.Select(i => i.Id).ToList();
        var missing = ids.Where(id => !store.Contains(id)).ToList();
        if (missing.Count > 0)
            throw new CaptioningException($"feature store '{store.Path}' lacks {missing.Count} {split} images (e.g. {string.Join(", ", missing.Take(5))})");

        using var scope = NewDisposeScope();
        using var model = run.LoadModel(device: device ?? TorchRuntime.DefaultDevice);
        var features = store.ReadIds(ids); // (N, D)
        var decoded = CaptionDecoder.Decode(model, features, decode, cancellation: cancellation);
        var predictions = ids.Select((id, i) => new KeyValuePair<string, string>(id, vocabulary.DecodeToString(decoded[i].Tokens.Select(t => (int)t)))).ToList();
        var references = images.ToDictionary(i => i.Id, i => (IReadOnlyList<string>)i.Captions);
        var candidates = predictions.ToDictionary(p => p.Key, p => p.Value);
        var modelScores = CaptionScorer.ScoreText(references, candidates, bootstrap: bootstrap);

        var cleaner = CaptionCleaner.Tutorial;
        var training = dataset.InSplit(Split.Train);
        var frequent = Baselines.MostFrequentCaption(training.SelectMany(i => i.Captions).Select(cleaner.Clean));
        var trainFeatures = store.ReadIds(training.Select(i => i.Id).Where(store.Contains).ToList());
        var trainCaptions = training.Where(i => store.Contains(i.Id)).Select(i => (IReadOnlyList<string>)i.Captions.Select(cleaner.Clean).ToList()).ToList();
        var neighbours = Baselines.NearestNeighbour(features, trainFeatures, trainCaptions);
        var baselineCaptions = new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["most-frequent"] = ids.ToDictionary(id => id, _ => frequent),
            ["nearest-neighbour"] = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => neighbours[x.i]),
        };
        var baselines = baselineCaptions.ToDictionary(b => b.Key, b => CaptionScorer.ScoreText(references, b.Value, bootstrap: bootstrap));
        var path = WritePredictions(stem, predictions);
        return new EvaluationResult(split, modelScores, baselines, predictions, references, path, baselineCaptions);
    }

    // predictions/test-beam3 (.tsv and .json) in the run folder.
    private static string PredictionsStem(RunFolder run, Split split, DecodeOptions decode) =>
        Path.Combine(run.Path, "predictions", string.Create(CultureInfo.InvariantCulture, $"{split.ToString().ToLowerInvariant()}-beam{decode.BeamSize}"));

    private static string WritePredictions(string stem, IReadOnlyList<KeyValuePair<string, string>> predictions)
    {
        var tsv = new StringBuilder();
        foreach (var (id, caption) in predictions) tsv.Append(id).Append('\t').Append(caption).Append('\n');
        AtomicFile.WriteAllText(stem + ".tsv", tsv.ToString());
        AtomicFile.WriteAllText(stem + ".json", JsonSerializer.Serialize(predictions.Select(p => new { image_id = p.Key, caption = p.Value })));
        return stem + ".tsv";
    }

    /// <summary>The JSON of `caption evaluate --json`: the model's coco/nltk/images/intervals plus the baselines in the same layout.</summary>
    public static string Json(EvaluationResult result)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            writer.WriteStartObject();
            writer.WriteString("split", result.Split.ToString().ToLowerInvariant());
            ScoreFormat.WriteScores(writer, result.Model);
            writer.WriteString("predictions", result.PredictionsPath);
            writer.WriteStartObject("baselines");
            foreach (var (name, report) in result.Baselines)
            {
                writer.WriteStartObject(name);
                ScoreFormat.WriteScores(writer, report);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
