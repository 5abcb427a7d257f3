using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Captioning.Tests.Torch;

/// <summary>Our side of each case of make_op_oracle.py: the same TorchSharp op, dims and scalars on the recorded inputs.</summary>
internal static class OpForwardCases
{
    /// <summary>The outputs of <paramref name="op"/>, in the order the script records them; input(i) is "op.in{i}".</summary>
    internal static Tensor[] Run(string op, Func<int, Tensor> input)
    {
        Tensor A() => input(0);
        Tensor B() => input(1);
        Tensor C() => input(2);
        return op switch
        {
            "add" => [A().add(B(), 0.7)],
            "sub" => [A().add(B(), -1.5)], // torch.sub(a, b, alpha=1.5) is add with -alpha; TorchSharp's sub has no alpha
            "mul" => [A() * B()],
            "div" => [A() / B()],
            "pow" => [A().pow(B())],
            "pow_scalar" => [A().pow(2.5)],
            "scalar_ops" => [Scalars(A())],
            "neg" => [-A()],
            "exp" => [A().exp()],
            "log" => [A().log()],
            "sqrt" => [A().sqrt()],
            "rsqrt" => [A().rsqrt()],
            "abs" => [AbsSum(A())],
            "reciprocal" => [A().reciprocal()],
            "maximum" => [A().maximum(B())],
            "minimum" => [A().minimum(B())],
            "clamp" => [A().clamp(-0.5, 0.5)],
            "matmul" => [A().matmul(B())], // (2, 3, 4) @ (4, 2) -> (2, 3, 2)
            "bmm" => [A().bmm(B())], // (2, 3, 4) x (2, 4, 2) -> (2, 3, 2)
            "linear" => [F.linear(A(), B(), C())], // (3, 4) -> (3, 2)
            "relu" => [A().relu()],
            "tanh" => [A().tanh()],
            "sigmoid" => [A().sigmoid()],
            "softmax" => [A().softmax(1)],
            "log_softmax" => [A().log_softmax(-1)],
            "dropout_eval" => [F.dropout(A(), 0.3, training: false)],
            "embedding" => [Embedding(A(), B())], // (6, 3)[(2, 3)] -> (2, 3, 3)
            "cat" => [cat([A(), B()], 1)], // (2, 5)
            "stack" => [stack([A(), B()], 0)], // (2, 2, 3)
            "narrow" => [A().narrow(1, 1, 3)],
            "select" => [A().select(0, 2)],
            "index_select" => [A().index_select(0, B())],
            "gather" => [A().gather(1, B())],
            "reshape" => [A().reshape(3, -1)],
            "permute" => [A().permute(2, 0, 1)],
            "transpose" => [A().transpose(0, 1)],
            "unsqueeze_squeeze" => [A().unsqueeze(0).squeeze(0).unsqueeze(1).squeeze()],
            "expand" => [A().expand(3, 4)],
            "repeat" => [A().repeat(2, 3)],
            "flatten" => [A().flatten(1)],
            "sum" => [A().sum()],
            "sum_dim" => [A().sum(1, keepdim: true)],
            "mean" => [A().mean()],
            "mean_dim" => [A().mean([0L])],
            "max_dim" => Pair(A().max(1)),
            "min_dim" => Pair(A().min(0)),
            "max_all" => [A().max()],
            "topk" => Pair(A().topk(2)),
            "sort" => Pair(A().sort(1, descending: true)),
            "masked_fill" => [A().masked_fill(B(), 0.25)],
            "where" => [Where(A(), B())],
            "masked_select" => [MaskedSelectPositive(A())],
            "cross_entropy" => [F.cross_entropy(A(), B(), ignore_index: 0)],
            "cross_entropy_smoothing" => [F.cross_entropy(A(), B(), ignore_index: 3, label_smoothing: 0.1)], // (N, C, T) = (2, 5, 3)
            "bce_with_logits" => [F.binary_cross_entropy_with_logits(A(), B())],
            "mse" => [F.mse_loss(A(), B())],
            "conv2d" => [F.conv2d(A(), B(), C(), padding: [1, 1])], // (2, 3, 5, 5)
            "conv2d_strided" => [F.conv2d(A(), B(), null, strides: [2, 2], groups: 2)], // (1, 4, 2, 2)
            "max_pool2d" => [F.max_pool2d(A(), [3, 3], [2, 2], [1, 1], ceil_mode: true)],
            "avg_pool2d" => [F.avg_pool2d(A(), [3, 3], [2, 2], [1, 1], count_include_pad: false)],
            "adaptive_avg_pool2d" => [F.adaptive_avg_pool2d(A(), [3, 2])],
            "batch_norm_train" => [F.batch_norm(A(), null, null, B(), C(), training: true)],
            "batch_norm_train_running" => BatchNormRunning(A(), B(), C(), input(3), input(4)),
            "batch_norm_eval" => [F.batch_norm(A(), B(), C(), input(3), input(4), training: false)],
            "interpolate_bilinear" => [Bilinear(A(), 7, 3)],
            "interpolate_antialias" => [Bilinear(A(), 3, 5, antialias: true)],
            "clone_contiguous" => [A().transpose(0, 1).contiguous().clone()],
            "norm" => [A().norm()],
            "cumsum" => [A().cumsum(1)],

            "linear_no_bias" => [F.linear(A(), B())], // (2, 3, 4) -> (2, 3, 5)
            "log_softmax_3d" => [A().log_softmax(-1)], // (B, T, V)
            "softmax_dim0" => [A().softmax(0)],
            "embedding_padding" => [Embedding(A(), B(), paddingIdx: 0)],
            "sign" => [A().sign()],
            "fmod" => [A().fmod(1.5)],
            "floor_divide" => [A().floor_divide(1.5)],
            "compare" => [A().eq(B()), A().ne(B()), A().lt(B()), A().le(B()), A().gt(B()), A().ge(B())],
            "compare_scalar" => [A().eq(2), A().ne(2), A().lt(2), A().le(2), A().gt(2), A().ge(2)],
            "logical" => [A().logical_and(B()), A().logical_or(B()), A().logical_not()],
            "nan_finite" => [A().isnan(), A().isfinite()],
            "all_any" => [A().all(), A().any(), B().all(), zeros(2, ScalarType.Bool).any()],
            "min_all" => [A().min()],
            "argmax" => [A().argmax(), A().argmax(1), A().argmax(0, keepdim: true)],
            "topk_smallest" => Pair(A().topk(3, 1, largest: false)),
            "topk_flat_beam" => Pair(A().topk(3, 1)), // (B, k*V) -> (B, k)
            "sort_ascending" => Pair(A().sort(-1)),
            "to_dtype" => [A().to(ScalarType.Int64), A().to(ScalarType.Float64)],
            "squeeze_all" => [A().squeeze()],
            "inplace_optimiser" => InPlace(A(), B(), C(), input(3)),
            "max_pool2d_default_stride" => [F.max_pool2d(A(), [2, 2])],
            "avg_pool2d_include_pad" => [F.avg_pool2d(A(), [2, 2], [2, 2], [1, 1])],
            "interpolate_nearest" => [F.interpolate(A(), [5, 6], mode: InterpolationMode.Nearest)],
            "interpolate_align_corners" => [F.interpolate(A(), [5, 7], mode: InterpolationMode.Bilinear, align_corners: true)],
            "cross_entropy_reductions" =>
            [
                F.cross_entropy(A(), B(), ignore_index: 0, reduction: nn.Reduction.None),
                F.cross_entropy(A(), B(), ignore_index: 0, reduction: nn.Reduction.Sum),
                F.cross_entropy(A(), B(), C(), ignore_index: 0),
            ],
            "bce_pos_weight" => [F.binary_cross_entropy_with_logits(A(), B(), reduction: nn.Reduction.Sum, pos_weights: C())],
            _ => throw new ArgumentException($"no C# case for op '{op}'", nameof(op)),
        };
    }

    private static Tensor[] Pair((Tensor Values, Tensor Indices) result) => [result.Values, result.Indices];

    private static Tensor Scalars(Tensor a) => (3.0 - a) * 2 + (1.0 / a) - a / 4;

    private static Tensor AbsSum(Tensor a) => (a - 2.0).abs() + a.abs();

    private static Tensor Where(Tensor a, Tensor b) => where(a.gt(b), a, b * 2);

    private static Tensor MaskedSelectPositive(Tensor a) => a.masked_select(a.gt(0));

    /// <summary>torch.nn.functional.interpolate in bilinear mode (align_corners false), as the encoders resize.</summary>
    internal static Tensor Bilinear(Tensor x, long height, long width, bool antialias = false) =>
        F.interpolate(x, [height, width], mode: InterpolationMode.Bilinear, align_corners: false, antialias: antialias);

    /// <summary>
    /// The rows of <paramref name="weight"/> at <paramref name="indices"/> through nn.Embedding (TorchSharp has no
    /// functional embedding): the module wraps the weight without copying it, so gradients reach the caller's tensor.
    /// </summary>
    internal static Tensor Embedding(Tensor weight, Tensor indices, long? paddingIdx = null)
    {
        using var module = nn.Embedding_from_pretrained(weight, freeze: false, padding_idx: paddingIdx);
        return module.call(indices); // (..., dim)
    }

    // Training mode updates the running statistics in place: they are outputs too.
    private static Tensor[] BatchNormRunning(Tensor x, Tensor mean, Tensor var, Tensor weight, Tensor bias) =>
        [F.batch_norm(x, mean, var, weight, bias, training: true, momentum: 0.1, eps: 1e-5), mean, var];

    // TorchSharp has no in-place maximum_: the case computes maximum out of place (amsgrad's op; our Adam does not use it).
    private static Tensor[] InPlace(Tensor p, Tensor a, Tensor b, Tensor c) =>
    [
        p.clone().add_(a, -0.3), p.clone().mul_(0.9), p.clone().addcmul_(a, c, 0.2), p.clone().addcdiv_(a, b, -0.5),
        b.clone().sqrt_(), p.clone().maximum(c), p.clone().add_(0.25), p.clone().mul_(c),
    ];
}
