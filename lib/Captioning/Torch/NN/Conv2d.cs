namespace Captioning.Torch.NN;

/// <summary>2-D convolution over NCHW input (torch.nn.Conv2d; keys "weight", "bias").</summary>
public sealed class Conv2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer with PyTorch's default initialisation.</summary>
    public Conv2d(long inChannels, long outChannels, (long H, long W) kernel, (long H, long W)? stride = null,
        (long H, long W)? padding = null, (long H, long W)? dilation = null, long groups = 1, bool bias = true)
    {
        Stride = stride ?? (1, 1);
        Padding = padding ?? (0, 0);
        Dilation = dilation ?? (1, 1);
        Groups = groups;
        var fanIn = inChannels / groups * kernel.H * kernel.W;
        RegisterParameter("weight", Init.FanInUniform(Tensor.Empty([outChannels, inChannels / groups, kernel.H, kernel.W]), fanIn));
        if (bias) RegisterParameter("bias", Init.FanInUniform(Tensor.Empty([outChannels]), fanIn));
    }

    /// <summary>Square-kernel convenience constructor.</summary>
    public Conv2d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0, bool bias = true)
        : this(inChannels, outChannels, (kernel, kernel), (stride, stride), (padding, padding), bias: bias) { }

    /// <summary>Step between windows.</summary>
    public (long H, long W) Stride { get; }

    /// <summary>Zero padding on each side.</summary>
    public (long H, long W) Padding { get; }

    /// <summary>Spacing of kernel taps.</summary>
    public (long H, long W) Dilation { get; }

    /// <summary>Channel groups.</summary>
    public long Groups { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) =>
        Functional.Conv2d(input, Required("weight"), Member("bias"), Stride, Padding, Dilation, Groups); // (N, out, H', W')
}

/// <summary>
/// Batch normalisation over channels (torch.nn.BatchNorm2d; keys weight, bias, running_mean,
/// running_var, num_batches_tracked): batch statistics in training, running ones in eval.
/// </summary>
public sealed class BatchNorm2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer: weight 1, bias 0, running mean 0, running variance 1.</summary>
    public BatchNorm2d(long channels, double eps = 1e-5, double momentum = 0.1)
    {
        Eps = eps;
        Momentum = momentum;
        RegisterParameter("weight", Tensor.Ones([channels]));
        RegisterParameter("bias", Tensor.Zeros([channels]));
        RegisterBuffer("running_mean", Tensor.Zeros([channels]));
        RegisterBuffer("running_var", Tensor.Ones([channels]));
        RegisterBuffer("num_batches_tracked", Tensor.Zeros([], DType.Int64));
    }

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Running-statistics update factor.</summary>
    public double Momentum { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (Training) Required("num_batches_tracked").Add_(1);
        return Functional.BatchNorm(input, Required("running_mean"), Required("running_var"), Required("weight"), Required("bias"),
            Training, Momentum, Eps);
    }
}

/// <summary>2-D max pooling as a layer.</summary>
public sealed class MaxPool2d((long H, long W) kernel, (long H, long W)? stride = null, (long H, long W)? padding = null, bool ceilMode = false)
    : Module<Tensor, Tensor>
{
    /// <summary>Square-window convenience constructor.</summary>
    public MaxPool2d(long kernel, long? stride = null, long padding = 0, bool ceilMode = false)
        : this((kernel, kernel), stride is { } s ? (s, s) : null, (padding, padding), ceilMode) { }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.MaxPool2d(input, kernel, stride, padding, ceilMode);
}

/// <summary>2-D average pooling as a layer.</summary>
public sealed class AvgPool2d((long H, long W) kernel, (long H, long W)? stride = null, (long H, long W)? padding = null, bool ceilMode = false, bool countIncludePad = true)
    : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.AvgPool2d(input, kernel, stride, padding, ceilMode, countIncludePad);
}

/// <summary>Adaptive average pooling to a fixed size as a layer.</summary>
public sealed class AdaptiveAvgPool2d((long H, long W) outputSize) : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool2d(input, outputSize);
}
