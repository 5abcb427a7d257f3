using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Captioning.Data;
using Captioning.Models;
using Captioning.Torch;
using Captioning.Torch.NN;
using Captioning.Torch.Optim;
using Captioning.Torch.Serialization;

namespace Captioning.Training;

/// <summary>One split's training material: its encoded captions and the features of its images, row i = Captions.ImageIds[i].</summary>
/// <param name="Captions">Encoded captions of the split.</param>
/// <param name="Features">(images, D) float32, aligned with <see cref="EncodedCaptions.ImageIds"/>.</param>
public sealed record SplitData(EncodedCaptions Captions, Tensor Features);

/// <summary>
/// Teacher-forced training over whole captions with masked cross-entropy, Adam, clipping,
/// reduce-on-plateau, best-checkpoint saving, early stopping and resume. Each epoch reseeds
/// libtorch from (seed, epoch), so a run resumed at an epoch boundary continues exactly as an
/// uninterrupted one would.
/// </summary>
public sealed class Trainer
{
    /// <summary>Raised every few steps with the running loss and throughput.</summary>
    public event Action<StepProgress>? StepCompleted;

    /// <summary>Raised after each epoch's validation (a notebook plots live from it).</summary>
    public event Action<EpochMetrics>? EpochCompleted;

    /// <summary>Optional validation metrics computed every <see cref="TrainingOptions.ValidateEvery"/> epochs (e.g. greedy BLEU-4, CIDEr-D).</summary>
    public Func<CaptionModel, IReadOnlyDictionary<string, double>>? ValidationMetrics { get; set; }

    /// <summary>How many steps between <see cref="StepCompleted"/> events.</summary>
    public int ProgressEvery { get; set; } = 10;

    /// <summary>
    /// Trains <paramref name="model"/> into <paramref name="run"/>, starting after the last
    /// finished epoch when the folder holds one (resume). Cancellation finishes nothing half-way:
    /// the epoch in progress is dropped, earlier epochs are kept.
    /// </summary>
    public TrainingResult Run(CaptionModel model, SplitData train, SplitData validation, TrainingOptions options, RunFolder run,
        CancellationToken cancel = default)
    {
        options.Validate();
        using var writing = run.LockForWriting();
        Directory.CreateDirectory(Path.GetDirectoryName(run.LastCheckpointPath)!);
        using var optimizer = new Adam(model.Parameters(), options.LearningRate, weightDecay: options.WeightDecay);
        var plateau = options.PlateauPatience > 0 ? new ReduceLROnPlateau(optimizer, options.PlateauFactor, options.PlateauPatience) : null;
        var history = new List<EpochMetrics>();
        var best = (Epoch: 0, Loss: double.PositiveInfinity);
        if (run.HasLastCheckpoint)
        {
            (history, best) = Restore(model, optimizer, plateau, run);
            run.Log($"resumed after epoch {history.Count}");
        }
        var trainBatcher = new CaptionBatcher(train.Captions, new BatcherOptions(options.BatchSize, Shuffle: true, options.Seed, options.BucketByLength));
        var validationBatcher = new CaptionBatcher(validation.Captions, new BatcherOptions(options.BatchSize, Shuffle: false));
        var stopReason = "completed";
        for (var epoch = history.Count + 1; epoch <= options.Epochs; epoch++)
        {
            if (options.Patience > 0 && epoch - 1 - best.Epoch >= options.Patience)
            {
                stopReason = "early-stopping";
                break;
            }
            cancel.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var learningRate = optimizer.LearningRate;
            var (trainLoss, tokensPerSecond) = TrainEpoch(model, optimizer, trainBatcher, train.Features, options, epoch, run, cancel);
            var validationLoss = Evaluate(model, validationBatcher, validation.Features, options);
            IReadOnlyDictionary<string, double>? extra = null;
            if (ValidationMetrics != null && options.ValidateEvery > 0 && epoch % options.ValidateEvery == 0) extra = ValidationMetrics(model);
            var isBest = validationLoss < best.Loss;
            if (isBest) best = (epoch, validationLoss);
            plateau?.Step(validationLoss);
            var metrics = new EpochMetrics(epoch, trainLoss, validationLoss, learningRate, tokensPerSecond, clock.Elapsed.TotalSeconds, isBest, extra);
            history.Add(metrics);
            var meta = Metadata(model, epoch, validationLoss);
            // Order matters: the checkpoint (renamed into place) first, then the metrics, so metrics never list an
            // epoch that is not on disk; last.safetensors carries its epoch's metrics line for a crash in between.
            if (isBest) run.SaveBest(model, meta);
            SaveLast(model, optimizer, plateau, run, meta, best, metrics);
            TestHold.At(() => TestHold.CheckpointSaved(run.Path, epoch));
            run.WriteMetrics(history);
            run.Log(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch}: train {trainLoss:F4} val {validationLoss:F4} lr {learningRate:G3} {tokensPerSecond:F0} tok/s{(isBest ? " best" : "")}"));
            TestHold.At(() => TestHold.EpochSaved(run.Path, epoch));
            EpochCompleted?.Invoke(metrics);
        }
        var result = new TrainingResult(history.Count, best.Epoch, best.Loss, stopReason, history);
        AtomicFile.WriteAllText(run.FinishedPath, JsonSerializer.Serialize(new { result.EpochsRun, result.BestEpoch, result.BestValidationLoss, result.StopReason }));
        run.Log($"finished: {stopReason}, best epoch {best.Epoch}");
        return result;
    }

    private (double Loss, double TokensPerSecond) TrainEpoch(CaptionModel model, Optimizer optimizer, CaptionBatcher batcher, Tensor features,
        TrainingOptions options, int epoch, RunFolder run, CancellationToken cancel)
    {
        model.Train();
        TorchRuntime.ManualSeed((ulong)Seeds.Mix(options.Seed, epoch));
        var plan = batcher.Plan(epoch);
        double lossSum = 0;
        long tokens = 0;
        var clock = Stopwatch.StartNew();
        for (var step = 0; step < plan.Count; step++)
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = DisposeScope.Enter();
            using var batch = batcher.Make(plan[step]);
            var (loss, count) = BatchLoss(model, batch, features, options);
            var value = loss.Item();
            if (!double.IsFinite(value))
            {
                var message = $"training loss became {value} at epoch {epoch}, step {step + 1}; stopped. The last good checkpoint is " +
                    (File.Exists(run.LastCheckpointPath) ? run.LastCheckpointPath : "none (no epoch finished)") + ". Try a lower --lr or --clip 5.";
                run.Log(message);
                throw new TrainingDivergedException(message);
            }
            optimizer.ZeroGrad();
            loss.Backward();
            if (options.ClipNorm > 0) GradClip.ClipGradNorm(optimizer.Parameters, options.ClipNorm);
            optimizer.Step();
            lossSum += value * count;
            tokens += count;
            if (StepCompleted != null && ((step + 1) % ProgressEvery == 0 || step + 1 == plan.Count))
                StepCompleted(new StepProgress(epoch, step + 1, plan.Count, lossSum / tokens, tokens / clock.Elapsed.TotalSeconds));
        }
        return (lossSum / Math.Max(1, tokens), tokens / clock.Elapsed.TotalSeconds);
    }

    // Mean cross-entropy over the batch's real (non-pad) target tokens, and how many there were.
    private static (Tensor Loss, long Tokens) BatchLoss(CaptionModel model, CaptionBatch batch, Tensor features, TrainingOptions options)
    {
        var rows = Tensor.From(batch.ImageRows.Select(r => (long)r).ToArray());
        var batchFeatures = features.IndexSelect(0, rows); // (B, D)
        var logits = model.Forward(batchFeatures, batch.Input); // (B, T, V)
        var vocab = logits.Size(-1);
        var target = batch.Target.Reshape(-1); // (B*T)
        var loss = Functional.CrossEntropy(logits.Reshape(-1, vocab), target, ignoreIndex: Vocabulary.Pad, labelSmoothing: options.LabelSmoothing);
        var tokens = (long)batch.Lengths.Sum().Item();
        return (loss, tokens);
    }

    /// <summary>Mean per-token validation cross-entropy (eval mode, no gradients, no label smoothing).</summary>
    public static double Evaluate(CaptionModel model, CaptionBatcher batcher, Tensor features, TrainingOptions options)
    {
        var wasTraining = model.Training;
        model.Eval();
        try
        {
            using var noGrad = NoGradScope.Enter();
            double sum = 0;
            long tokens = 0;
            foreach (var indices in batcher.Plan(0))
            {
                using var scope = DisposeScope.Enter();
                using var batch = batcher.Make(indices);
                var (loss, count) = BatchLoss(model, batch, features, options with { LabelSmoothing = 0 });
                sum += loss.Item() * count;
                tokens += count;
            }
            return sum / Math.Max(1, tokens);
        }
        finally
        {
            model.Train(wasTraining);
        }
    }

    private static Dictionary<string, string> Metadata(CaptionModel model, int epoch, double validationLoss) => new()
    {
        ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
        ["val_loss"] = validationLoss.ToString("R", CultureInfo.InvariantCulture),
        ["architecture"] = CaptionModelOptions.NameOf(model.Options.Architecture),
        ["model"] = JsonSerializer.Serialize(model.Options),
    };

    private static void SaveLast(CaptionModel model, Optimizer optimizer, ReduceLROnPlateau? plateau, RunFolder run,
        Dictionary<string, string> meta, (int Epoch, double Loss) best, EpochMetrics metrics)
    {
        // One file holds model and optimiser, so a crash can never pair weights with another epoch's optimiser state.
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (name, t) in model.StateDict()) tensors[RunFolder.ModelPrefix + name] = t;
        foreach (var (name, t) in optimizer.StateDict()) tensors[RunFolder.OptimizerPrefix + name] = t;
        var metadata = new Dictionary<string, string>(meta)
        {
            ["best_epoch"] = best.Epoch.ToString(CultureInfo.InvariantCulture),
            ["best_val_loss"] = best.Loss.ToString("R", CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in optimizer.StateMetadata()) metadata[RunFolder.OptimizerPrefix + k] = v;
        if (plateau != null) metadata["plateau"] = JsonSerializer.Serialize(plateau.State);
        // Without its timings, which differ from run to run, so that the checkpoint stays byte-identical to an uninterrupted run's.
        metadata[EpochMetricsKey] = JsonSerializer.Serialize(metrics with { TokensPerSecond = 0, Seconds = 0 });
        SafeTensors.SaveSealed(run.LastCheckpointPath, tensors, metadata, run.BoundFiles());
    }

    private const string EpochMetricsKey = "epoch_metrics";

    private static (List<EpochMetrics> History, (int Epoch, double Loss) Best) Restore(CaptionModel model, Optimizer optimizer,
        ReduceLROnPlateau? plateau, RunFolder run)
    {
        var metadata = run.VerifyCheckpoint(run.LastCheckpointPath);
        using var saved = SafeTensors.Load(run.LastCheckpointPath);
        var epoch = int.Parse(metadata["epoch"], CultureInfo.InvariantCulture);
        model.LoadStateDict(RunFolder.WithPrefix(saved, RunFolder.ModelPrefix), strict: true, sourceName: run.LastCheckpointPath);
        optimizer.LoadStateDict(RunFolder.WithPrefix(saved, RunFolder.OptimizerPrefix), RunFolder.WithPrefix(metadata, RunFolder.OptimizerPrefix));
        if (plateau != null && metadata.TryGetValue("plateau", out var p)) plateau.State = JsonSerializer.Deserialize<PlateauState>(p)!;
        // Epochs logged after the checkpoint (written by an earlier release, which wrote metrics first) are dropped and rerun;
        // the checkpoint's own epoch, missing when a crash came between checkpoint and metrics, is restored from it.
        var history = run.ReadMetrics().Where(m => m.Epoch <= epoch).ToList();
        if (history.Count == epoch - 1 && metadata.TryGetValue(EpochMetricsKey, out var line))
        {
            history.Add(JsonSerializer.Deserialize<EpochMetrics>(line)!);
            run.WriteMetrics(history);
        }
        if (history.Count != epoch)
            throw new CaptioningException($"run '{run.Path}': last checkpoint is from epoch {epoch} but metrics.jsonl has {history.Count} of those epochs; the folder was edited or is damaged. Start over with --force.");
        var best = (int.Parse(metadata["best_epoch"], CultureInfo.InvariantCulture), double.Parse(metadata["best_val_loss"], CultureInfo.InvariantCulture));
        return (history, best);
    }
}

/// <summary>Training produced a non-finite loss and stopped; the message names the last good checkpoint.</summary>
public sealed class TrainingDivergedException(string message) : CaptioningException(message);
