using static TorchSharp.torch;

namespace Captioning.Training;

/// <summary>Saved state of <see cref="PlateauScheduler"/>.</summary>
/// <param name="Best">Best metric seen.</param>
/// <param name="BadEpochs">Epochs since the last improvement.</param>
/// <param name="Cooldown">Epochs of cooldown left.</param>
public sealed record PlateauState(double Best, int BadEpochs, int Cooldown);

/// <summary>
/// Lowers the learning rate by <c>factor</c> when a minimised metric has not improved by a relative
/// <c>threshold</c> for <c>patience</c> epochs: torch's ReduceLROnPlateau (mode "min", threshold_mode "rel").
/// </summary>
/// <remarks>
/// TorchSharp's <c>torch.optim.lr_scheduler.ReduceLROnPlateau</c> computes the same rates (OptimizerTests compares the
/// two) but keeps its best value and counters private, so a resumed run could not continue where it stopped; this one
/// exposes them as <see cref="State"/>, which the last checkpoint stores.
/// </remarks>
public sealed class PlateauScheduler(optim.Optimizer optimizer, double factor = 0.1, int patience = 10, double threshold = 1e-4,
    int cooldown = 0, double minLearningRate = 0)
{
    /// <summary>The current state (save it to resume).</summary>
    public PlateauState State { get; set; } = new(double.PositiveInfinity, 0, 0);

    /// <summary>Reports one epoch's metric; returns true when the learning rate was lowered.</summary>
    public bool Step(double metric)
    {
        var (best, bad, cool) = State;
        if (metric < best * (1 - threshold)) (best, bad) = (metric, 0);
        else bad++;
        if (cool > 0) (cool, bad) = (cool - 1, 0);
        var reduced = false;
        if (bad > patience)
        {
            foreach (var group in optimizer.ParamGroups)
            {
                var newRate = Math.Max(group.LearningRate * factor, minLearningRate);
                // torch skips changes smaller than eps = 1e-8.
                if (group.LearningRate - newRate <= 1e-8) continue;
                group.LearningRate = newRate;
                reduced = true;
            }
            (cool, bad) = (cooldown, 0);
        }
        State = new PlateauState(best, bad, cool);
        return reduced;
    }
}
