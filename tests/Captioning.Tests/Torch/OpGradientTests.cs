using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Captioning.Tests.Torch;

/// <summary>Finite-difference checks of every differentiable TorchSharp op our code and the oracle cases use (float64); OpForwardTests checks the forward values against PyTorch.</summary>
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
        Tensor Longs(long[] values, params long[] shape) => tensor(values, shape);
        try
        {
            Func<Tensor> f = op switch
            {
                "add" => Build(L(2, 3), L(3), (a, b) => a.add(b, 0.7)),
                "sub" => Build(L(2, 3), L(2, 3), (a, b) => a.add(b, -1.5)), // torch.sub with alpha 1.5
                "mul" => Build(L(2, 3), L(2, 1), (a, b) => a * b),
                "div" => Build(L(2, 3), Positive(2, 3), (a, b) => a / b),
                "pow" => Build(Positive(4), L(4), (a, b) => a.pow(b)),
                "pow_scalar" => Build(Positive(4), a => a.pow(2.5)),
                "scalar_ops" => Build(Positive(5), a => (3.0 - a) * 2 + (1.0 / a) - a / 4),
                "neg" => Build(L(5), a => -a),
                "exp" => Build(L(5), a => a.exp()),
                "log" => Build(Positive(5), a => a.log()),
                "sqrt" => Build(Positive(5), a => a.sqrt()),
                "rsqrt" => Build(Positive(5), a => a.rsqrt()),
                "abs" => Build(Positive(5), a => (a - 2.0).abs() + a.abs()),
                "reciprocal" => Build(Positive(5), a => a.reciprocal()),
                "maximum" => Build(L(6), L(6), (a, b) => a.maximum(b)),
                "minimum" => Build(L(6), L(6), (a, b) => a.minimum(b)),
                "clamp" => Build(L(6), a => a.clamp(-0.5, 0.5)),
                "matmul" => Build(L(2, 3, 4), L(4, 2), (a, b) => a.matmul(b)),
                "bmm" => Build(L(2, 3, 4), L(2, 4, 2), (a, b) => a.bmm(b)),
                "linear" => Build(L(3, 4), L(2, 4), L(2), (x, w, b) => F.linear(x, w, b)),
                "relu" => Build(L(8), a => a.relu()),
                "tanh" => Build(L(5), a => a.tanh()),
                "sigmoid" => Build(L(5), a => a.sigmoid()),
                "softmax" => Build(L(3, 4), a => a.softmax(1)),
                "log_softmax" => Build(L(3, 4), a => a.log_softmax(-1)),
                // Reseeding inside the loss gives every evaluation the same dropout mask.
                "dropout" => Build(L(4, 5), a => { TorchRuntime.ManualSeed(99); return F.dropout(a, 0.3, training: true); }),
                // The padding row is excluded from gradients by design (see Embedding_PaddingRowGetsZeroGradient), so check without one.
                "embedding" => Build(L(6, 3), w => OpForwardCases.Embedding(w, Longs([0, 2, 2, 5, 1, 0], 2, 3))),
                "cat" => Build(L(2, 3), L(2, 2), (a, b) => cat([a, b], 1)),
                "stack" => Build(L(2, 3), L(2, 3), (a, b) => stack([a, b], 0)),
                "narrow" => Build(L(4, 5), a => a.narrow(1, 1, 3)),
                "select" => Build(L(4, 5), a => a.select(0, 2)),
                "index_select" => Build(L(4, 3), a => a.index_select(0, Longs([3, 0, 3], 3))),
                "gather" => Build(L(3, 4), a => a.gather(1, Longs([0, 3, 1, 1, 2, 0], 3, 2))),
                "reshape" => Build(L(2, 6), a => a.reshape(3, -1)),
                "permute" => Build(L(2, 3, 4), a => a.permute(2, 0, 1)),
                "transpose" => Build(L(2, 3), a => a.transpose(0, 1)),
                "unsqueeze_squeeze" => Build(L(3), a => a.unsqueeze(0).squeeze(0).unsqueeze(1).squeeze()),
                "expand" => Build(L(3, 1), a => a.expand(3, 4)),
                "repeat" => Build(L(2, 2), a => a.repeat(2, 3)),
                "flatten" => Build(L(2, 3, 2), a => a.flatten(1)),
                "sum" => Build(L(3, 4), a => a.sum()),
                "sum_dim" => Build(L(3, 4), a => a.sum(1, keepdim: true)),
                "mean" => Build(L(3, 4), a => a.mean()),
                "mean_dim" => Build(L(3, 4), a => a.mean([0L])),
                "max_dim" => Build(L(3, 4), a => a.max(1).values),
                "min_dim" => Build(L(3, 4), a => a.min(0).values),
                "max_all" => Build(L(3, 4), a => a.max()),
                "topk" => Build(L(3, 5), a => a.topk(2).values),
                "sort" => Build(L(3, 5), a => a.sort(1, descending: true).Values),
                "masked_fill" => Build(L(2, 3), a => a.masked_fill(tensor(new[] { true, false, false, true, false, true }, 2, 3), 0.25)),
                "where" => Build(L(2, 3), L(2, 3), (a, b) => where(a.gt(b), a, b * 2)),
                "masked_select" => Build(L(2, 3), a => a.masked_select(a.gt(0))),
                "cross_entropy" => Build(L(4, 5), z => F.cross_entropy(z, Longs([1, 0, 4, 2], 4), ignore_index: 0)),
                "cross_entropy_smoothing" => Build(L(2, 5, 3), z => F.cross_entropy(z, Longs([1, 0, 4, 2, 3, 3], 2, 3), ignore_index: 3, label_smoothing: 0.1)),
                "bce_with_logits" => Build(L(3, 4), z => F.binary_cross_entropy_with_logits(z, tensor(new double[] { 1, 0, 0, 1, 1, 1, 0, 0, 0.5, 0, 1, 0 }, 3, 4))),
                "mse" => Build(L(3, 4), L(3, 4), (a, b) => F.mse_loss(a, b)),
                "conv2d" => Build(L(2, 2, 5, 5), L(3, 2, 3, 3), L(3), (x, w, b) => F.conv2d(x, w, b, padding: [1, 1])),
                "conv2d_strided" => Build(L(1, 4, 6, 6), L(4, 2, 3, 3), (x, w) => F.conv2d(x, w, null, strides: [2, 2], dilation: [1, 1], groups: 2)),
                "max_pool2d" => Build(L(1, 2, 6, 6), x => F.max_pool2d(x, [3, 3], [2, 2], [1, 1], ceil_mode: true)),
                "avg_pool2d" => Build(L(1, 2, 6, 6), x => F.avg_pool2d(x, [3, 3], [2, 2], [1, 1], count_include_pad: false)),
                "adaptive_avg_pool2d" => Build(L(1, 2, 7, 5), x => F.adaptive_avg_pool2d(x, [3, 2])),
                "batch_norm_train" => Build(L(4, 3, 2, 2), L(3), L(3), (x, w, b) =>
                    F.batch_norm(x, null, null, w, b, training: true)),
                "batch_norm_eval" => Build(L(4, 3, 2, 2), L(3), L(3), (x, w, b) =>
                    F.batch_norm(x, tensor(new double[] { 0.1, -0.2, 0.3 }), tensor(new double[] { 1.5, 0.5, 2 }), w, b, training: false)),
                "interpolate_bilinear" => Build(L(1, 2, 4, 5), x => OpForwardCases.Bilinear(x, 7, 3)),
                "interpolate_antialias" => Build(L(1, 1, 8, 8), x => OpForwardCases.Bilinear(x, 3, 5, antialias: true)),
                "clone_contiguous" => Build(L(3, 2), a => a.transpose(0, 1).contiguous().clone()),
                "norm" => Build(L(3, 2), a => a.norm()),
                "cumsum" => Build(L(3, 4), a => a.cumsum(1)),
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
        using var scope = NewDisposeScope();
        var weight = randn(4, 3).requires_grad_();
        OpForwardCases.Embedding(weight, tensor(new long[] { 0, 1, 0, 2 }), paddingIdx: 0).sum().backward();
        var grad = weight.grad!.data<float>().ToArray();
        Assert.Equal(new float[] { 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0 }, grad);
    }

    [Fact]
    public void CrossEntropy_IgnoredTargetsDoNotCount()
    {
        using var scope = NewDisposeScope();
        // Logits all zero over 4 classes: each counted target costs ln 4; the ignored one costs nothing.
        var logits = zeros(3, 4);
        var loss = F.cross_entropy(logits, tensor(new long[] { 1, 0, 3 }), ignore_index: 0, reduction: nn.Reduction.Sum);
        Assert.Equal(2 * Math.Log(4), loss.item<float>(), 5);
        var mean = F.cross_entropy(logits, tensor(new long[] { 1, 0, 3 }), ignore_index: 0);
        Assert.Equal(Math.Log(4), mean.item<float>(), 5);
    }

    [Fact]
    public void NoGrad_StopsRecording()
    {
        using var scope = NewDisposeScope();
        var a = ones(2).requires_grad_();
        Tensor b;
        using (no_grad()) b = a * 2;
        Assert.False(b.requires_grad);
        Assert.True((a * 2).requires_grad);
    }
}
