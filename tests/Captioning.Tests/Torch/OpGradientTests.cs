using Captioning.Torch;
using Captioning.Torch.NN;
using Xunit;
using F = Captioning.Torch.NN.Functional;

namespace Captioning.Tests.Torch;

/// <summary>Finite-difference checks of every differentiable op the binding exposes (float64); OpForwardTests checks the forward values against PyTorch.</summary>
public sealed class OpGradientTests : NativeLeakGuard
{
    public static TheoryData<string> Ops => new()
    {
        "add", "sub", "mul", "div", "pow", "pow_scalar", "scalar_ops", "neg", "exp", "log", "sqrt", "rsqrt", "abs", "reciprocal",
        "maximum", "minimum", "clamp", "matmul", "bmm", "linear", "relu", "tanh", "sigmoid", "softmax", "log_softmax",
        "dropout", "embedding", "cat", "stack", "narrow", "select", "index_select", "gather", "reshape", "permute",
        "transpose", "unsqueeze_squeeze", "expand", "repeat", "flatten", "sum", "sum_dim", "mean", "mean_dim", "max_dim", "min_dim",
        "max_all", "topk", "sort", "masked_fill", "where", "masked_select", "cross_entropy", "cross_entropy_smoothing",
        "bce_with_logits", "mse", "conv2d", "conv2d_strided", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d",
        "batch_norm_train", "batch_norm_eval", "interpolate_bilinear", "interpolate_antialias", "clone_contiguous", "norm", "cumsum",
    };

    [Theory]
    [MemberData(nameof(Ops))]
    public void Op_GradientMatchesFiniteDifferences(string op)
    {
        var leaves = new List<Tensor>();
        Tensor L(params long[] shape) { var t = GradCheck.Leaf(shape); leaves.Add(t); return t; }
        Tensor Positive(params long[] shape) { var t = GradCheck.Leaf(shape, 0.3, 2); leaves.Add(t); return t; }
        Tensor Longs(long[] values, params long[] shape) => Tensor.From(values, shape);
        try
        {
            Func<Tensor> f = op switch
            {
                "add" => Build(L(2, 3), L(3), (a, b) => a.Add(b, 0.7)),
                "sub" => Build(L(2, 3), L(2, 3), (a, b) => a.Sub(b, 1.5)),
                "mul" => Build(L(2, 3), L(2, 1), (a, b) => a * b),
                "div" => Build(L(2, 3), Positive(2, 3), (a, b) => a / b),
                "pow" => Build(Positive(4), L(4), (a, b) => a.Pow(b)),
                "pow_scalar" => Build(Positive(4), a => a.Pow(2.5)),
                "scalar_ops" => Build(Positive(5), a => (3.0 - a) * 2 + (1.0 / a) - a / 4),
                "neg" => Build(L(5), a => -a),
                "exp" => Build(L(5), a => a.Exp()),
                "log" => Build(Positive(5), a => a.Log()),
                "sqrt" => Build(Positive(5), a => a.Sqrt()),
                "rsqrt" => Build(Positive(5), a => a.Rsqrt()),
                "abs" => Build(Positive(5), a => (a - 2.0).Abs() + a.Abs()),
                "reciprocal" => Build(Positive(5), a => a.Reciprocal()),
                "maximum" => Build(L(6), L(6), (a, b) => a.Maximum(b)),
                "minimum" => Build(L(6), L(6), (a, b) => a.Minimum(b)),
                "clamp" => Build(L(6), a => a.Clamp(-0.5, 0.5)),
                "matmul" => Build(L(2, 3, 4), L(4, 2), (a, b) => a.MatMul(b)),
                "bmm" => Build(L(2, 3, 4), L(2, 4, 2), (a, b) => a.Bmm(b)),
                "linear" => Build(L(3, 4), L(2, 4), L(2), (x, w, b) => F.Linear(x, w, b)),
                "relu" => Build(L(8), a => a.Relu()),
                "tanh" => Build(L(5), a => a.Tanh()),
                "sigmoid" => Build(L(5), a => a.Sigmoid()),
                "softmax" => Build(L(3, 4), a => a.Softmax(1)),
                "log_softmax" => Build(L(3, 4), a => a.LogSoftmax(-1)),
                // Reseeding inside the loss gives every evaluation the same dropout mask.
                "dropout" => Build(L(4, 5), a => { TorchRuntime.ManualSeed(99); return F.Dropout(a, 0.3, true); }),
                // The padding row is excluded from gradients by design (see Embedding_PaddingRowGetsZeroGradient), so check without one.
                "embedding" => Build(L(6, 3), w => F.Embedding(w, Longs([0, 2, 2, 5, 1, 0], 2, 3))),
                "cat" => Build(L(2, 3), L(2, 2), (a, b) => Tensor.Cat([a, b], 1)),
                "stack" => Build(L(2, 3), L(2, 3), (a, b) => Tensor.Stack([a, b], 0)),
                "narrow" => Build(L(4, 5), a => a.Narrow(1, 1, 3)),
                "select" => Build(L(4, 5), a => a.Select(0, 2)),
                "index_select" => Build(L(4, 3), a => a.IndexSelect(0, Longs([3, 0, 3], 3))),
                "gather" => Build(L(3, 4), a => a.Gather(1, Longs([0, 3, 1, 1, 2, 0], 3, 2))),
                "reshape" => Build(L(2, 6), a => a.Reshape(3, -1)),
                "permute" => Build(L(2, 3, 4), a => a.Permute(2, 0, 1)),
                "transpose" => Build(L(2, 3), a => a.Transpose(0, 1)),
                "unsqueeze_squeeze" => Build(L(3), a => a.Unsqueeze(0).Squeeze(0).Unsqueeze(1).Squeeze()),
                "expand" => Build(L(3, 1), a => a.Expand(3, 4)),
                "repeat" => Build(L(2, 2), a => a.Repeat(2, 3)),
                "flatten" => Build(L(2, 3, 2), a => a.Flatten(1)),
                "sum" => Build(L(3, 4), a => a.Sum()),
                "sum_dim" => Build(L(3, 4), a => a.Sum(1, keepDim: true)),
                "mean" => Build(L(3, 4), a => a.Mean()),
                "mean_dim" => Build(L(3, 4), a => a.Mean([0L])),
                "max_dim" => Build(L(3, 4), a => a.Max(1).Values),
                "min_dim" => Build(L(3, 4), a => a.Min(0).Values),
                "max_all" => Build(L(3, 4), a => a.Max()),
                "topk" => Build(L(3, 5), a => a.TopK(2).Values),
                "sort" => Build(L(3, 5), a => a.Sort(1, descending: true).Values),
                "masked_fill" => Build(L(2, 3), a => a.MaskedFill(Tensor.From(new[] { true, false, false, true, false, true }, 2, 3), 0.25)),
                "where" => Build(L(2, 3), L(2, 3), (a, b) => Tensor.Where(a.Gt(b), a, b * 2)),
                "masked_select" => Build(L(2, 3), a => a.MaskedSelect(a.Gt(0))),
                "cross_entropy" => Build(L(4, 5), z => F.CrossEntropy(z, Longs([1, 0, 4, 2], 4), ignoreIndex: 0)),
                "cross_entropy_smoothing" => Build(L(2, 5, 3), z => F.CrossEntropy(z, Longs([1, 0, 4, 2, 3, 3], 2, 3), ignoreIndex: 3, labelSmoothing: 0.1)),
                "bce_with_logits" => Build(L(3, 4), z => F.BinaryCrossEntropyWithLogits(z, Tensor.From(new double[] { 1, 0, 0, 1, 1, 1, 0, 0, 0.5, 0, 1, 0 }, 3, 4))),
                "mse" => Build(L(3, 4), L(3, 4), (a, b) => F.MseLoss(a, b)),
                "conv2d" => Build(L(2, 2, 5, 5), L(3, 2, 3, 3), L(3), (x, w, b) => F.Conv2d(x, w, b, padding: (1, 1))),
                "conv2d_strided" => Build(L(1, 4, 6, 6), L(4, 2, 3, 3), (x, w) => F.Conv2d(x, w, null, stride: (2, 2), dilation: (1, 1), groups: 2)),
                "max_pool2d" => Build(L(1, 2, 6, 6), x => F.MaxPool2d(x, (3, 3), (2, 2), (1, 1), ceilMode: true)),
                "avg_pool2d" => Build(L(1, 2, 6, 6), x => F.AvgPool2d(x, (3, 3), (2, 2), (1, 1), countIncludePad: false)),
                "adaptive_avg_pool2d" => Build(L(1, 2, 7, 5), x => F.AdaptiveAvgPool2d(x, (3, 2))),
                "batch_norm_train" => Build(L(4, 3, 2, 2), L(3), L(3), (x, w, b) =>
                    F.BatchNorm(x, null, null, w, b, training: true)),
                "batch_norm_eval" => Build(L(4, 3, 2, 2), L(3), L(3), (x, w, b) =>
                    F.BatchNorm(x, Tensor.From(new double[] { 0.1, -0.2, 0.3 }), Tensor.From(new double[] { 1.5, 0.5, 2 }), w, b, training: false)),
                "interpolate_bilinear" => Build(L(1, 2, 4, 5), x => F.Interpolate(x, 7, 3)),
                "interpolate_antialias" => Build(L(1, 1, 8, 8), x => F.Interpolate(x, 3, 5, antialias: true)),
                "clone_contiguous" => Build(L(3, 2), a => a.Transpose(0, 1).Contiguous().Clone()),
                "norm" => Build(L(3, 2), a => a.Norm()),
                "cumsum" => Build(L(3, 4), a => a.CumSum(1)),
                _ => throw new ArgumentException(op),
            };
            GradCheck.Check(() => GradCheck.WeightedSum(f()), leaves);
        }
        finally
        {
            foreach (var t in leaves) t.Dispose();
        }
    }

    private static Func<Tensor> Build(Tensor a, Func<Tensor, Tensor> f) => () => f(a);
    private static Func<Tensor> Build(Tensor a, Tensor b, Func<Tensor, Tensor, Tensor> f) => () => f(a, b);
    private static Func<Tensor> Build(Tensor a, Tensor b, Tensor c, Func<Tensor, Tensor, Tensor, Tensor> f) => () => f(a, b, c);

    [Fact]
    public void Embedding_PaddingRowGetsZeroGradient()
    {
        using var scope = DisposeScope.Enter();
        var weight = Tensor.Randn([4, 3]).RequiresGrad_();
        F.Embedding(weight, Tensor.From(new long[] { 0, 1, 0, 2 }), paddingIdx: 0).Sum().Backward();
        var grad = weight.Grad!.ToArray<float>();
        Assert.Equal(new float[] { 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0 }, grad);
    }

    [Fact]
    public void CrossEntropy_IgnoredTargetsDoNotCount()
    {
        using var scope = DisposeScope.Enter();
        // Logits all zero over 4 classes: each counted target costs ln 4; the ignored one costs nothing.
        var logits = Tensor.Zeros([3, 4]);
        var loss = F.CrossEntropy(logits, Tensor.From(new long[] { 1, 0, 3 }), ignoreIndex: 0, reduction: Reduction.Sum);
        Assert.Equal(2 * Math.Log(4), loss.Item(), 5);
        var mean = F.CrossEntropy(logits, Tensor.From(new long[] { 1, 0, 3 }), ignoreIndex: 0);
        Assert.Equal(Math.Log(4), mean.Item(), 5);
    }

    [Fact]
    public void NoGrad_StopsRecording()
    {
        using var scope = DisposeScope.Enter();
        var a = Tensor.Ones([2]).RequiresGrad_();
        Tensor b;
        using (NoGradScope.Enter()) b = a * 2;
        Assert.False(b.RequiresGrad);
        Assert.True((a * 2).RequiresGrad);
    }
}
