namespace Captioning.Torch.NN;

/// <summary>How <see cref="Functional.CrossEntropy"/> and other losses reduce over elements.</summary>
public enum Reduction
{
    /// <summary>One loss per element.</summary>
    None = 0,
    /// <summary>Mean over the counted elements.</summary>
    Mean = 1,
    /// <summary>Sum.</summary>
    Sum = 2,
}

/// <summary>Interpolation modes of <see cref="Functional.Interpolate"/>.</summary>
public enum InterpolationMode
{
    /// <summary>Bilinear.</summary>
    Bilinear = 0,
    /// <summary>Nearest neighbour.</summary>
    Nearest = 1,
}

/// <summary>Stateless neural-network functions (torch.nn.functional), each one libtorch call.</summary>
public static class Functional
{
    /// <summary>x W^T + b; x (..., in), W (out, in), b (out).</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) =>
        new(NativeMethods.cap_nn_linear(input.Handle, weight.Handle, Tensor.HandleOrZero(bias)));

    /// <summary>Zeroes elements with probability p and scales the rest by 1/(1-p) when training.</summary>
    public static Tensor Dropout(Tensor input, double p, bool training) =>
        new(NativeMethods.cap_nn_dropout(input.Handle, p, training ? 1 : 0));

    /// <summary>Rows of <paramref name="weight"/> at <paramref name="indices"/>; the padding row gets no gradient.</summary>
    public static Tensor Embedding(Tensor weight, Tensor indices, long paddingIdx = -1) =>
        new(NativeMethods.cap_nn_embedding(weight.Handle, indices.Handle, paddingIdx));

    /// <summary>Cross-entropy of logits (N, C[, ...]) against class targets (N[, ...]) with ignore_index and label smoothing.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor target, long ignoreIndex = -100, double labelSmoothing = 0,
        Reduction reduction = Reduction.Mean, Tensor? weight = null) =>
        new(NativeMethods.cap_nn_cross_entropy(logits.Handle, target.Handle, Tensor.HandleOrZero(weight), ignoreIndex, labelSmoothing, (int)reduction));

    /// <summary>Binary cross-entropy on logits (multi-label targets in [0, 1]).</summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor target, Tensor? posWeight = null, Reduction reduction = Reduction.Mean) =>
        new(NativeMethods.cap_nn_bce_with_logits(logits.Handle, target.Handle, Tensor.HandleOrZero(posWeight), (int)reduction));

    /// <summary>Mean squared error.</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        new(NativeMethods.cap_nn_mse_loss(input.Handle, target.Handle, (int)reduction));

    /// <summary>max(x, 0).</summary>
    public static Tensor Relu(Tensor input) => input.Relu();

    /// <summary>Softmax along <paramref name="dim"/>.</summary>
    public static Tensor Softmax(Tensor input, long dim) => input.Softmax(dim);

    /// <summary>Log-softmax along <paramref name="dim"/>.</summary>
    public static Tensor LogSoftmax(Tensor input, long dim) => input.LogSoftmax(dim);

    /// <summary>2-D convolution of NCHW input.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, (long H, long W)? stride = null,
        (long H, long W)? padding = null, (long H, long W)? dilation = null, long groups = 1)
    {
        var s = stride ?? (1, 1);
        var p = padding ?? (0, 0);
        var d = dilation ?? (1, 1);
        return new(NativeMethods.cap_nn_conv2d(input.Handle, weight.Handle, Tensor.HandleOrZero(bias), [s.H, s.W], [p.H, p.W], [d.H, d.W], groups));
    }

    /// <summary>2-D max pooling; stride defaults to the kernel size, as in torch.</summary>
    public static Tensor MaxPool2d(Tensor input, (long H, long W) kernel, (long H, long W)? stride = null,
        (long H, long W)? padding = null, bool ceilMode = false)
    {
        var s = stride ?? kernel;
        var p = padding ?? (0, 0);
        return new(NativeMethods.cap_nn_max_pool2d(input.Handle, [kernel.H, kernel.W], [s.H, s.W], [p.H, p.W], ceilMode ? 1 : 0));
    }

    /// <summary>2-D average pooling; stride defaults to the kernel size.</summary>
    public static Tensor AvgPool2d(Tensor input, (long H, long W) kernel, (long H, long W)? stride = null,
        (long H, long W)? padding = null, bool ceilMode = false, bool countIncludePad = true)
    {
        var s = stride ?? kernel;
        var p = padding ?? (0, 0);
        return new(NativeMethods.cap_nn_avg_pool2d(input.Handle, [kernel.H, kernel.W], [s.H, s.W], [p.H, p.W], ceilMode ? 1 : 0, countIncludePad ? 1 : 0));
    }

    /// <summary>Average pooling to a fixed output size.</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, (long H, long W) outputSize) =>
        new(NativeMethods.cap_nn_adaptive_avg_pool2d(input.Handle, [outputSize.H, outputSize.W]));

    /// <summary>Batch normalisation over the channel dimension; in training mode running stats are updated in place.</summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool training, double momentum = 0.1, double eps = 1e-5) =>
        new(NativeMethods.cap_nn_batch_norm(input.Handle, Tensor.HandleOrZero(weight), Tensor.HandleOrZero(bias),
            Tensor.HandleOrZero(runningMean), Tensor.HandleOrZero(runningVar), training ? 1 : 0, momentum, eps));

    /// <summary>Resizes NCHW float input to (height, width); antialias applies to bilinear downscaling, as torchvision's resize.</summary>
    public static Tensor Interpolate(Tensor input, long height, long width, InterpolationMode mode = InterpolationMode.Bilinear,
        bool alignCorners = false, bool antialias = false) =>
        new(NativeMethods.cap_nn_interpolate(input.Handle, [height, width], (int)mode, alignCorners ? 1 : 0, antialias ? 1 : 0));
}
