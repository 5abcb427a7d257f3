using System.Text.Json;
using Captioning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Captioning.Models;

/// <summary>
/// Where a run's model class came from when it is not the library's: a class a reader defined (and maybe edited)
/// in a notebook cell, e.g. notebook 03's merge model. Written as definition.json into the run folder, so a later
/// session (notebook 04, `caption evaluate`), which can only rebuild the library's models, knows whether the
/// weights mean the same thing in the library's model of that architecture.
/// </summary>
/// <param name="Type">The class name, e.g. TutorialMergeModel.</param>
/// <param name="Architecture">The library architecture it stands in for (merge, ...).</param>
/// <param name="MatchesLibrary">True when its state-dict keys and shapes are the library model's and, given the same weights, it computes the same logits (teacher forcing and one decoding step, eval mode).</param>
/// <param name="Difference">Why not, when it does not match: the first differing key or the largest logit difference.</param>
public sealed record ModelDefinition(string Type, string Architecture, bool MatchesLibrary, string? Difference)
{
    private const string FileName = "definition.json";
    private const double Tolerance = 1e-5;

    /// <summary>The definition.json path of <paramref name="run"/>.</summary>
    public static string PathOf(RunFolder run) => Path.Combine(run.Path, FileName);

    /// <summary>
    /// Compares <paramref name="model"/> with the library's model for <paramref name="options"/>: same state-dict layout, then the
    /// same logits for the same weights on a fixed input. Draws from libtorch's generator (the library model's initialisation):
    /// call it before seeding what must be reproducible, or after, when the consumer reseeds (the trainer reseeds every epoch).
    /// </summary>
    public static ModelDefinition Check(CaptionModel model, CaptionModelOptions options)
    {
        var name = CaptionModelOptions.NameOf(options.Architecture);
        var type = model.GetType().Name;
        using var scope = NewDisposeScope();
        using var library = CaptionModelFactory.Create(options).to(model.Device);
        var ours = model.state_dict();
        var theirs = library.state_dict();
        var missing = theirs.Keys.Except(ours.Keys).Order(StringComparer.Ordinal).ToList();
        var extra = ours.Keys.Except(theirs.Keys).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || extra.Count > 0)
            return new(type, name, false, $"state-dict keys differ (library only: {List(missing)}; {type} only: {List(extra)})");
        var reshaped = theirs.Keys.Order(StringComparer.Ordinal).FirstOrDefault(k => !ours[k].shape.SequenceEqual(theirs[k].shape));
        if (reshaped != null)
            return new(type, name, false, $"'{reshaped}' is [{string.Join(", ", ours[reshaped].shape)}] here, [{string.Join(", ", theirs[reshaped].shape)}] in the library");

        var wasTraining = model.training;
        try
        {
            using (no_grad())
                foreach (var (key, value) in ours) theirs[key].copy_(value);
            model.eval();
            library.eval();
            // Its own generator: the check leaves the seeded default one alone.
            using var generator = new Generator(0);
            var features = rand(2, options.FeatureDimension, generator: generator).to(model.Device); // (2, D)
            var ids = randint(1, options.VocabularySize, [2, 3], generator: generator).to(model.Device); // (2, 3)
            using var guard = no_grad();
            var gap = (model.Forward(features, ids) - library.Forward(features, ids)).abs().max().item<float>(); // over (2, 3, V)
            using var ourStart = model.Start(features);
            using var theirStart = library.Start(features);
            var (ourLogits, ourNext) = model.Step(ids[.., 0], ourStart);
            var (theirLogits, theirNext) = library.Step(ids[.., 0], theirStart);
            ourNext.Dispose();
            theirNext.Dispose();
            gap = Math.Max(gap, (ourLogits - theirLogits).abs().max().item<float>()); // over (2, V)
            return gap <= Tolerance
                ? new(type, name, true, null)
                : new(type, name, false, FormattableString.Invariant($"the same weights give logits up to {gap:G3} apart from the library's {name} model"));
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>Writes definition.json into <paramref name="run"/> (atomically).</summary>
    public void WriteTo(RunFolder run) => Data.AtomicFile.WriteAllText(PathOf(run), JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>The definition recorded in <paramref name="run"/>, or null for a run of a library model.</summary>
    public static ModelDefinition? Read(RunFolder run)
    {
        var path = PathOf(run);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<ModelDefinition>(File.ReadAllText(path), Json)
                   ?? throw new CaptioningException($"'{path}' is empty; expected the model definition record written by training");
        }
        catch (JsonException e)
        {
            throw new CaptioningException($"'{path}' is not a model definition record ({e.Message}); delete the run folder '{run.Path}' and retrain");
        }
    }

    /// <summary>Throws, saying what to do, when <paramref name="run"/> was trained from a notebook-defined model that the library's cannot stand in for.</summary>
    public static void EnsureLibraryCanLoad(RunFolder run)
    {
        if (Read(run) is not { MatchesLibrary: false } definition) return;
        throw new CaptioningException(
            $"run '{run.Path}' was trained from {definition.Type}, a model defined in a notebook cell that differs from the library's {definition.Architecture} model " +
            $"({definition.Difference}); only the session that defined it can use these weights. Restore notebook 03's model cell and retrain " +
            $"(delete '{run.Path}'), or evaluate the edited model in notebook 03's session");
    }

    private static string List(IReadOnlyList<string> keys) => keys.Count == 0 ? "none" : string.Join(", ", keys.Take(5)) + (keys.Count > 5 ? ", ..." : "");

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
