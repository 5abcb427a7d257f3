namespace Captioning.Training;

/// <summary>What one epoch produced; a row of metrics.csv and a line of metrics.jsonl.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean per-token cross-entropy over the epoch's training captions.</param>
/// <param name="ValidationLoss">Mean per-token cross-entropy on the validation split.</param>
/// <param name="LearningRate">Learning rate used during the epoch.</param>
/// <param name="TokensPerSecond">Training throughput (target tokens).</param>
/// <param name="Seconds">Wall time of the epoch including validation.</param>
/// <param name="IsBest">True when this epoch's validation loss was the best so far (its weights are best.safetensors).</param>
/// <param name="Extra">Optional validation metrics (e.g. BLEU-4, CIDEr-D).</param>
public sealed record EpochMetrics(int Epoch, double TrainLoss, double ValidationLoss, double LearningRate, double TokensPerSecond,
    double Seconds, bool IsBest, IReadOnlyDictionary<string, double>? Extra = null);

/// <summary>Progress inside an epoch, raised every few steps.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Step">Steps done in this epoch.</param>
/// <param name="Steps">Steps in this epoch.</param>
/// <param name="Loss">Running mean training loss of the epoch.</param>
/// <param name="TokensPerSecond">Throughput so far.</param>
public sealed record StepProgress(int Epoch, int Step, int Steps, double Loss, double TokensPerSecond);

/// <summary>How a training run ended.</summary>
/// <param name="EpochsRun">Epochs completed (including those of earlier, resumed sessions).</param>
/// <param name="BestEpoch">Epoch of the best validation loss.</param>
/// <param name="BestValidationLoss">That loss.</param>
/// <param name="StopReason">"completed", "early-stopping".</param>
/// <param name="History">Every epoch's metrics.</param>
public sealed record TrainingResult(int EpochsRun, int BestEpoch, double BestValidationLoss, string StopReason, IReadOnlyList<EpochMetrics> History);
