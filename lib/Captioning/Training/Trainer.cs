using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Captioning.Data;
using Captioning.Models;
using Captioning.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Captioning.Training;

/// <summary>One split's training material: its encoded captions and the features of its images, row i = Captions.ImageIds[i].</summary>
/// <param name="Captions">Encoded captions of the split.</param>
/// <param name="Features">(images, D) float32, aligned with <see cref="EncodedCaptions.ImageIds"/>, on any device (training copies them to the model's).</param>
public sealed record SplitData(EncodedCaptions Captions, Tensor Features);

/// <summary>
/// Teacher-forced training over whole captions with masked cross-entropy, Adam, clipping,
/// reduce-on-plateau, best-checkpoint saving, early stopping and resume, on the device of the model.
/// Each epoch reseeds libtorch from (seed, epoch), so a run resumed at an epoch boundary continues
/// exactly as an uninterrupted one would.
/// </summary>
public sealed class Trainer
{
    /// <summary>Raised every few steps with the running loss and throughput.</summary>
    public event Action<StepProgress>? StepCompleted;

    /// <summary>Raised after each epoch's validation (a notebook plots live from it).</summary>
    public event Action<EpochMetrics>? EpochCompleted;

    /// <summary>Optional validation metrics computed every <see cref="TrainingOptions.ValidateEvery"/> epochs (e.g. greedy BLEU-4, CIDEr-D).</summary>
    public Func<CaptionModel, IReadOnlyDictionary<string, double>>? ValidationMetrics { get; set; }

    /// <summary>
    /// How many steps between <see cref="StepCompleted"/> events. The running loss is read from the device (and checked
    /// for divergence) only at these steps and at the end of an epoch.
    /// </summary>
    public int ProgressEvery { get; set; } = 10;

    /// <summary>
    /// Trains <paramref name="model"/> into <paramref name="run"/> on the model's device, starting after the last
    /// finished epoch when the folder holds one (resume). Cancellation finishes nothing half-way:
    /// the epoch in progress is dropped, earlier epochs are kept.
    /// </summary>
    public TrainingResult Run(CaptionModel model, SplitData train, SplitData validation, TrainingOptions options, RunFolder run,
        CancellationToken cancel = default)
    {
        TorchRuntime.EnsureLoaded();
        options.Validate();
        using var writing = run.LockForWriting();
        Directory.CreateDirectory(Path.GetDirectoryName(run.LastCheckpointPath)!);
        var device = model.Device;
        // One copy of each split's features on the model's device, so batches gather their rows without host transfers.
        using var trainFeatures = train.Features.to(device);
        using var validationFeatures = validation.Features.to(device);
        if (options.FreezeEmbeddings)
        {
            using var embedding = model.WordEmbedding.weight!;
            embedding.requires_grad = false;
        }
        // A frozen embedding is left out of the optimiser: no Adam state, no weight decay, no share of the clipping norm.
        var parameters = model.parameters().Where(p => p.requires_grad).ToArray();
        using var optimizer = optim.Adam(parameters, options.LearningRate, weight_decay: options.WeightDecay);
        var plateau = options.PlateauPatience > 0 ? new PlateauScheduler(optimizer, options.PlateauFactor, options.PlateauPatience) : null;
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
            var learningRate = AdamCheckpoint.LearningRate(optimizer);
            var (trainLoss, tokensPerSecond) = TrainEpoch(model, optimizer, parameters, trainBatcher, trainFeatures, options, epoch, run, cancel);
            var validationLoss = Evaluate(model, validationBatcher, validationFeatures, options);
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

    private (double Loss, double TokensPerSecond) TrainEpoch(CaptionModel model, Adam optimizer, Parameter[] parameters, CaptionBatcher batcher,
        Tensor features, TrainingOptions options, int epoch, RunFolder run, CancellationToken cancel)
    {
        model.train();
        TorchRuntime.ManualSeed(Seeds.Mix(options.Seed, epoch));
        var plan = batcher.Plan(epoch);
        var device = model.Device;
        // The epoch's token-weighted loss sum and the first step whose loss was not finite (0: none) stay on the
        // device: reading them every step would make the host wait for each batch to finish on a GPU.
        using var lossSum = zeros(1, ScalarType.Float64, device); // (1)
        using var firstBadStep = zeros(1, ScalarType.Int64, device); // (1)
        long tokens = 0;
        var clock = Stopwatch.StartNew();
        for (var step = 0; step < plan.Count; step++)
        {
            cancel.ThrowIfCancellationRequested();
            using (var scope = NewDisposeScope())
            {
                using var batch = batcher.Make(plan[step], device);
                var loss = BatchLoss(model, batch, features, options); // ()
                optimizer.zero_grad();
                loss.backward();
                // libtorch's clip_grad_norm_ returns the total norm as a double, one read per step when clipping is on.
                if (options.ClipNorm > 0) nn.utils.clip_grad_norm_(parameters, options.ClipNorm);
                optimizer.step();
                var value = loss.detach().to(ScalarType.Float64);
                lossSum.add_(value * batch.Tokens);
                var bad = value.isfinite().logical_not().logical_and(firstBadStep.eq(0)); // (1)
                firstBadStep.masked_fill_(bad, step + 1);
                tokens += batch.Tokens;
            }
            var report = (step + 1) % ProgressEvery == 0 || step + 1 == plan.Count;
            if (!report) continue;
            var meanLoss = lossSum.item<double>() / Math.Max(1, tokens);
            if (!double.IsFinite(meanLoss)) Diverged(run, epoch, firstBadStep.item<long>(), meanLoss);
            StepCompleted?.Invoke(new StepProgress(epoch, step + 1, plan.Count, meanLoss, tokens / clock.Elapsed.TotalSeconds));
        }
        return (lossSum.item<double>() / Math.Max(1, tokens), tokens / clock.Elapsed.TotalSeconds);
    }

    private static void Diverged(RunFolder run, int epoch, long step, double loss)
    {
        var message = $"training loss became {loss.ToString(CultureInfo.InvariantCulture)} at epoch {epoch}, step {step}; stopped. The last good checkpoint is " +
            (File.Exists(run.LastCheckpointPath) ? run.LastCheckpointPath : "none (no epoch finished)") + ". Try a lower --lr or --clip 5.";
        run.Log(message);
        throw new TrainingDivergedException(message);
    }

    // Mean cross-entropy over the batch's real (non-pad) target tokens, on the batch's device.
    private static Tensor BatchLoss(CaptionModel model, CaptionBatch batch, Tensor features, TrainingOptions options)
    {
        var batchFeatures = features.index_select(0, batch.ImageRowIndex); // (B, D)
        var logits = model.Forward(batchFeatures, batch.Input); // (B, T, V)
        var vocab = logits.shape[^1];
        return functional.cross_entropy(logits.reshape(-1, vocab), batch.Target.reshape(-1), // (B*T, V), (B*T)
            ignore_index: Vocabulary.Pad, label_smoothing: options.LabelSmoothing);
    }

    /// <summary>Mean per-token validation cross-entropy (eval mode, no gradients, no label smoothing), on the model's device.</summary>
    public static double Evaluate(CaptionModel model, CaptionBatcher batcher, Tensor features, TrainingOptions options)
    {
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            var device = model.Device;
            using var onDevice = features.to(device);
            using var sum = zeros(1, ScalarType.Float64, device); // (1), read once at the end
            long tokens = 0;
            foreach (var indices in batcher.Plan(0))
            {
                using var scope = NewDisposeScope();
                using var batch = batcher.Make(indices, device);
                var loss = BatchLoss(model, batch, onDevice, options with { LabelSmoothing = 0 });
                sum.add_(loss.to(ScalarType.Float64) * batch.Tokens);
                tokens += batch.Tokens;
            }
            return sum.item<double>() / Math.Max(1, tokens);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    private static Dictionary<string, string> Metadata(CaptionModel model, int epoch, double validationLoss) => new()
    {
        ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
        ["val_loss"] = validationLoss.ToString("R", CultureInfo.InvariantCulture),
        ["architecture"] = CaptionModelOptions.NameOf(model.Options.Architecture),
        ["model"] = JsonSerializer.Serialize(model.Options),
    };

    private static void SaveLast(CaptionModel model, Adam optimizer, PlateauScheduler? plateau, RunFolder run,
        Dictionary<string, string> meta, (int Epoch, double Loss) best, EpochMetrics metrics)
    {
        using var scope = NewDisposeScope();
        // One file holds model and optimiser, so a crash can never pair weights with another epoch's optimiser state.
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (name, t) in model.state_dict()) tensors[RunFolder.ModelPrefix + name] = t;
        foreach (var (name, t) in AdamCheckpoint.StateDict(optimizer)) tensors[RunFolder.OptimizerPrefix + name] = t;
        var metadata = new Dictionary<string, string>(meta)
        {
            ["best_epoch"] = best.Epoch.ToString(CultureInfo.InvariantCulture),
            ["best_val_loss"] = best.Loss.ToString("R", CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in AdamCheckpoint.StateMetadata(optimizer)) metadata[RunFolder.OptimizerPrefix + k] = v;
        if (plateau != null) metadata["plateau"] = JsonSerializer.Serialize(plateau.State);
        // Without its timings, which differ from run to run, so that the checkpoint stays byte-identical to an uninterrupted run's.
        metadata[EpochMetricsKey] = JsonSerializer.Serialize(metrics with { TokensPerSecond = 0, Seconds = 0 });
        SafeTensors.SaveSealed(run.LastCheckpointPath, tensors, metadata, run.BoundFiles());
    }

    private const string EpochMetricsKey = "epoch_metrics";

    private static (List<EpochMetrics> History, (int Epoch, double Loss) Best) Restore(CaptionModel model, Adam optimizer,
        PlateauScheduler? plateau, RunFolder run)
    {
        var metadata = run.VerifyCheckpoint(run.LastCheckpointPath);
        using var saved = SafeTensors.Load(run.LastCheckpointPath);
        var epoch = int.Parse(metadata["epoch"], CultureInfo.InvariantCulture);
        model.LoadStateDict(RunFolder.WithPrefix(saved, RunFolder.ModelPrefix), strict: true, sourceName: run.LastCheckpointPath);
        AdamCheckpoint.LoadStateDict(optimizer, RunFolder.WithPrefix(saved, RunFolder.OptimizerPrefix), RunFolder.WithPrefix(metadata, RunFolder.OptimizerPrefix));
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
