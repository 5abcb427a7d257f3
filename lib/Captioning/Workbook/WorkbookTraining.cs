using System.Globalization;
using Captioning.Data;
using Captioning.Features;
using Captioning.Models;
using Captioning.Training;
using TorchSharp;

namespace Captioning.Workbook;

/// <summary>What <see cref="WorkbookTraining.TrainOrResume"/> did for one run.</summary>
/// <param name="Model">Architecture name (merge, init-inject, ...).</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Run">Its run folder.</param>
/// <param name="Status">"trained", "resumed after epoch N" or "already finished".</param>
/// <param name="Parameters">Trainable parameters.</param>
/// <param name="History">Every recorded epoch.</param>
public sealed record TrainedRun(string Model, int Seed, RunFolder Run, string Status, long Parameters, IReadOnlyList<EpochMetrics> History)
{
    /// <summary>The epoch with the lowest validation loss (the one kept as best.safetensors).</summary>
    public EpochMetrics? Best => History.Count == 0 ? null : History.MinBy(h => h.ValidationLoss);

    /// <summary>One line: model, seed, status, parameters, best epoch.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Model} seed {Seed}: {Status}; {Parameters:N0} parameters; {History.Count} epochs, best epoch {Best?.Epoch} (val loss {Best?.ValidationLoss:F4}) -> {Run.BestCheckpointPath}");
}

/// <summary>Notebook 03's step: train one run of an <see cref="Experiment"/> unless finished, resuming an interrupted run.</summary>
public static class WorkbookTraining
{
    /// <summary>
    /// Trains <paramref name="architecture"/> with <paramref name="seed"/> and the experiment's settings into
    /// <see cref="Experiment.Run"/>. A finished run is left alone; a run with last.safetensors continues from its last finished
    /// epoch; each finished epoch reaches <paramref name="curves"/> as it ends. Training runs on <paramref name="device"/>
    /// (default: <see cref="TorchRuntime.DefaultDevice"/>). Word vectors in the settings start the embedding; a run is resumed
    /// only with the same vectors file. Without a <paramref name="cancellation"/> of its own, it stops between batches when the
    /// notebook cell running it is cancelled (<see cref="NotebookCancellation"/>); finished epochs are kept.
    /// <paramref name="define"/> builds the model instead of the library (a class defined in a notebook cell); the run then
    /// records whether it computes what the library's model of <paramref name="architecture"/> computes
    /// (<see cref="ModelDefinition"/>), which later sessions need to reload it.
    /// </summary>
    public static TrainedRun TrainOrResume(Experiment experiment, string architecture, int seed, LossCurves? curves = null, Action<string>? log = null,
        CancellationToken cancellation = default, torch.Device? device = null, Func<CaptionModelOptions, CaptionModel>? define = null)
    {
        cancellation = NotebookCancellation.Or(cancellation);
        var settings = experiment.Settings;
        var shape = settings.Model(architecture);
        var training = settings.Training(seed);
        var run = experiment.Run(architecture, seed);
        var label = string.Create(CultureInfo.InvariantCulture, $"{architecture} seed {seed}");
        // A finished run is only read; otherwise the folder is locked and looked at again, in case another process just finished it.
        if (run.IsFinished) return Finished(run, architecture, seed, label, shape, training, curves, log);
        using var writing = run.LockForWriting();
        if (run.IsFinished) return Finished(run, architecture, seed, label, shape, training, curves, log);

        var folders = experiment.Folders;
        var dataDir = experiment.DataDir;
        var dataset = DatasetPreparer.Load(dataDir, null, new PrepareOptions());
        using var store = FeatureStore.Open(folders.FeatureStore(settings.Encoder));
        var vocabulary = WorkbookData.TrainingVocabulary(folders, dataset); // notebook 01's, with its minimum count
        var options = shape.For(vocabulary.Count, store.Dimension);
        var vectors = string.IsNullOrEmpty(settings.WordVectors) ? null : WordVectors.Load(settings.WordVectors, vocabulary, options.EmbeddingDimension,
            $"the embedding parameter is {options.EmbeddingDimension}; set it to the vectors' dimension");
        if (vectors != null) log?.Invoke($"{label}: word vectors '{vectors.Coverage.File}' ({vectors.Coverage.Dimension}-d): {vectors.Coverage}");
        var inputs = new RunInputs(Path.GetFullPath(dataDir), store.Path, store.Header.Identity.Encoder, TrainingData.Fingerprint(store),
            vectors?.Coverage.File, vectors?.Coverage.Sha256);
        var status = "trained";
        if (run.HasLastCheckpoint)
        {
            run.CheckResumable(options, inputs, vocabulary, $"delete '{run.Path}' to start this run over", training);
            status = $"resumed after epoch {run.ReadMetrics().Count}";
            curves?.AddRun(architecture, run, seed);
        }
        else
        {
            // Nothing of an earlier attempt is reusable before its first epoch ended.
            if (Directory.Exists(run.Path)) Directory.Delete(run.Path, recursive: true);
            run.Initialise(options, training, inputs, vocabulary);
            vectors?.WriteTo(run);
        }

        var train = TrainingData.Load(dataset, Split.Train, vocabulary, store);
        var dev = TrainingData.Load(dataset, Split.Dev, vocabulary, store);
        try
        {
            TorchRuntime.ManualSeed(training.Seed);
            using var model = define?.Invoke(options) ?? CaptionModelFactory.Create(options);
            model.to(device ?? TorchRuntime.DefaultDevice);
            // The trainer reseeds at every epoch, so the check's draws (the library model's initialisation) change nothing it does.
            if (define != null) Record(ModelDefinition.Check(model, options), run, log);
            vectors?.CopyInto(model);
            var parameters = model.ParameterCount();
            log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"{label}: {parameters:N0} parameters, vocabulary {vocabulary.Count:N0}, {train.Captions.Count:N0} training captions, {training.Epochs} epochs ({status})"));
            var trainer = new Trainer();
            curves?.Attach(trainer, architecture, seed);
            trainer.EpochCompleted += m => log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"{label} epoch {m.Epoch}/{training.Epochs}: train loss {m.TrainLoss:F4}, val loss {m.ValidationLoss:F4}, {m.TokensPerSecond:F0} tokens/s{(m.IsBest ? " (best)" : "")}"));
            var result = trainer.Run(model, train, dev, training, run, cancellation);
            return new TrainedRun(architecture, seed, run, status, parameters, result.History);
        }
        finally
        {
            train.Features.Dispose();
            dev.Features.Dispose();
        }
    }

    private static void Record(ModelDefinition definition, RunFolder run, Action<string>? log)
    {
        definition.WriteTo(run);
        log?.Invoke(definition.MatchesLibrary
            ? $"{definition.Architecture}: {definition.Type} (defined in the notebook) computes what the library's {definition.Architecture} model computes; later notebooks reload it as that"
            : $"{definition.Architecture}: {definition.Type} (defined in the notebook) differs from the library's {definition.Architecture} model ({definition.Difference}); " +
              "only this session can decode with it, notebooks 04 and 05 will refuse the run");
    }

    // The run's folder is named by the settings' key, so its configuration can differ only if the folder was edited by hand.
    private static TrainedRun Finished(RunFolder run, string architecture, int seed, string label, ModelShape shape, TrainingOptions training,
        LossCurves? curves, Action<string>? log)
    {
        var (savedModel, savedTraining, _, _) = run.ReadConfig();
        var wanted = shape.For(savedModel.VocabularySize, savedModel.FeatureDimension);
        if (savedModel != wanted || savedTraining != training)
        {
            var differences = new[] { RunFolder.Differences(savedModel, wanted), RunFolder.Differences(savedTraining, training) }.Where(d => d.Length > 0);
            throw new CaptioningException($"'{run.Path}' holds a run trained with other settings than its experiment's settings.json ({string.Join(", ", differences)}); " +
                "delete that folder and rerun to train it again");
        }
        log?.Invoke($"{label}: already finished in '{run.Path}'");
        curves?.AddRun(architecture, run, seed);
        return new TrainedRun(architecture, seed, run, "already finished", ModelSizes.Count(savedModel), run.ReadMetrics());
    }
}
