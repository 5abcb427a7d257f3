namespace Captioning.Torch.Optim;

/// <summary>Multiplies the learning rate by gamma every <paramref name="stepSize"/> epochs (torch StepLR).</summary>
public sealed class StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1)
{
    private readonly double baseRate = optimizer.LearningRate;

    /// <summary>Epochs completed.</summary>
    public int Epoch { get; private set; }

    /// <summary>Call once per epoch, after training it.</summary>
    public void Step()
    {
        Epoch++;
        optimizer.LearningRate = baseRate * Math.Pow(gamma, Epoch / stepSize);
    }
}

/// <summary>Saved state of <see cref="ReduceLROnPlateau"/>.</summary>
/// <param name="Best">Best metric seen.</param>
/// <param name="BadEpochs">Epochs since the last improvement.</param>
/// <param name="Cooldown">Epochs of cooldown left.</param>
public sealed record PlateauState(double Best, int BadEpochs, int Cooldown);

/// <summary>
/// Lowers the learning rate by <c>factor</c> when a minimised metric has not improved by a relative
/// <c>threshold</c> for <c>patience</c> epochs (torch ReduceLROnPlateau, mode "min", threshold_mode "rel").
/// </summary>
public sealed class ReduceLROnPlateau(Optimizer optimizer, double factor = 0.1, int patience = 10, double threshold = 1e-4,
    int cooldown = 0, double minLearningRate = 0)
{
    /// <summary>The current state (save it to resume).</summary>
    public PlateauState State { get; set; } = new(double.PositiveInfinity, 0, 0);

    /// <summary>Reports one epoch's metric; returns true when the learning rate was lowered.</summary>
    public bool Step(double metric)
    {
        var s = State;
        var best = s.Best;
        var bad = s.BadEpochs;
        var cool = s.Cooldown;
        if (metric < best * (1 - threshold)) { best = metric; bad = 0; }
        else bad++;
        if (cool > 0) { cool--; bad = 0; }
        var reduced = false;
        if (bad > patience)
        {
            var newRate = Math.Max(optimizer.LearningRate * factor, minLearningRate);
            // torch skips changes smaller than eps = 1e-8.
            if (optimizer.LearningRate - newRate > 1e-8)
            {
                optimizer.LearningRate = newRate;
                reduced = true;
            }
            cool = cooldown;
            bad = 0;
        }
        State = new PlateauState(best, bad, cool);
        return reduced;
    }
}
