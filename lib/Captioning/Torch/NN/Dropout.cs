namespace Captioning.Torch.NN;

/// <summary>Dropout active only in training mode.</summary>
public sealed class Dropout(double p = 0.5) : Module<Tensor, Tensor>
{
    /// <summary>Probability of zeroing an element.</summary>
    public double P { get; } = p is >= 0 and <= 1 ? p : throw new ArgumentOutOfRangeException(nameof(p), "dropout must be in [0, 1]");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) =>
        Training && P > 0 ? Functional.Dropout(input, P, true) : input.Alias();
}

/// <summary>max(x, 0) as a layer.</summary>
public sealed class ReLU : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Relu();
}

/// <summary>Flattens dimensions start..end (torch.nn.Flatten, default from 1).</summary>
public sealed class Flatten(long start = 1, long end = -1) : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Flatten(start, end);
}
