using Captioning.Torch;
using Captioning.Torch.NN;
using F = Captioning.Torch.NN.Functional;

namespace Captioning.Tests.Torch;

/// <summary>Our side of each case of make_op_oracle.py: the same op, dims and scalars on the recorded inputs.</summary>
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
            "add" => [A().Add(B(), 0.7)],
            "sub" => [A().Sub(B(), 1.5)],
            "mul" => [A() * B()],
            "div" => [A() / B()],
            "pow" => [A().Pow(B())],
            "pow_scalar" => [A().Pow(2.5)],
            "scalar_ops" => [Scalars(A())],
            "neg" => [-A()],
            "exp" => [A().Exp()],
            "log" => [A().Log()],
            "sqrt" => [A().Sqrt()],
            "rsqrt" => [A().Rsqrt()],
            "abs" => [AbsSum(A())],
            "reciprocal" => [A().Reciprocal()],
            "maximum" => [A().Maximum(B())],
            "minimum" => [A().Minimum(B())],
            "clamp" => [A().Clamp(-0.5, 0.5)],
            "matmul" => [A().MatMul(B())], // (2, 3, 4) @ (4, 2) -> (2, 3, 2)
            "bmm" => [A().Bmm(B())], // (2, 3, 4) x (2, 4, 2) -> (2, 3, 2)
            "linear" => [F.Linear(A(), B(), C())], // (3, 4) -> (3, 2)
            "relu" => [A().Relu()],
            "tanh" => [A().Tanh()],
            "sigmoid" => [A().Sigmoid()],
            "softmax" => [A().Softmax(1)],
            "log_softmax" => [A().LogSoftmax(-1)],
            "dropout_eval" => [F.Dropout(A(), 0.3, training: false)],
            "embedding" => [F.Embedding(A(), B())], // (6, 3)[(2, 3)] -> (2, 3, 3)
            "cat" => [Tensor.Cat([A(), B()], 1)], // (2, 5)
            "stack" => [Tensor.Stack([A(), B()], 0)], // (2, 2, 3)
            "narrow" => [A().Narrow(1, 1, 3)],
            "select" => [A().Select(0, 2)],
            "index_select" => [A().IndexSelect(0, B())],
            "gather" => [A().Gather(1, B())],
            "reshape" => [A().Reshape(3, -1)],
            "permute" => [A().Permute(2, 0, 1)],
            "transpose" => [A().Transpose(0, 1)],
            "unsqueeze_squeeze" => [A().Unsqueeze(0).Squeeze(0).Unsqueeze(1).Squeeze()],
            "expand" => [A().Expand(3, 4)],
            "repeat" => [A().Repeat(2, 3)],
            "flatten" => [A().Flatten(1)],
            "sum" => [A().Sum()],
            "sum_dim" => [A().Sum(1, keepDim: true)],
            "mean" => [A().Mean()],
            "mean_dim" => [A().Mean([0L])],
            "max_dim" => Pair(A().Max(1)),
            "min_dim" => Pair(A().Min(0)),
            "max_all" => [A().Max()],
            "topk" => Pair(A().TopK(2)),
            "sort" => Pair(A().Sort(1, descending: true)),
            "masked_fill" => [A().MaskedFill(B(), 0.25)],
            "where" => [Where(A(), B())],
            "masked_select" => [MaskedSelectPositive(A())],
            "cross_entropy" => [F.CrossEntropy(A(), B(), ignoreIndex: 0)],
            "cross_entropy_smoothing" => [F.CrossEntropy(A(), B(), ignoreIndex: 3, labelSmoothing: 0.1)], // (N, C, T) = (2, 5, 3)
            "bce_with_logits" => [F.BinaryCrossEntropyWithLogits(A(), B())],
            "mse" => [F.MseLoss(A(), B())],
            "conv2d" => [F.Conv2d(A(), B(), C(), padding: (1, 1))], // (2, 3, 5, 5)
            "conv2d_strided" => [F.Conv2d(A(), B(), null, stride: (2, 2), groups: 2)], // (1, 4, 2, 2)
            "max_pool2d" => [F.MaxPool2d(A(), (3, 3), (2, 2), (1, 1), ceilMode: true)],
            "avg_pool2d" => [F.AvgPool2d(A(), (3, 3), (2, 2), (1, 1), countIncludePad: false)],
            "adaptive_avg_pool2d" => [F.AdaptiveAvgPool2d(A(), (3, 2))],
            "batch_norm_train" => [F.BatchNorm(A(), null, null, B(), C(), training: true)],
            "batch_norm_train_running" => BatchNormRunning(A(), B(), C(), input(3), input(4)),
            "batch_norm_eval" => [F.BatchNorm(A(), B(), C(), input(3), input(4), training: false)],
            "interpolate_bilinear" => [F.Interpolate(A(), 7, 3)],
            "interpolate_antialias" => [F.Interpolate(A(), 3, 5, antialias: true)],
            "clone_contiguous" => [A().Transpose(0, 1).Contiguous().Clone()],
            "norm" => [A().Norm()],
            "cumsum" => [A().CumSum(1)],

            "linear_no_bias" => [F.Linear(A(), B())], // (2, 3, 4) -> (2, 3, 5)
            "log_softmax_3d" => [A().LogSoftmax(-1)], // (B, T, V)
            "softmax_dim0" => [A().Softmax(0)],
            "embedding_padding" => [F.Embedding(A(), B(), paddingIdx: 0)],
            "sign" => [A().Sign()],
            "fmod" => [A().Fmod(1.5)],
            "floor_divide" => [A().FloorDivide(1.5)],
            "compare" => [A().Eq(B()), A().Ne(B()), A().Lt(B()), A().Le(B()), A().Gt(B()), A().Ge(B())],
            "compare_scalar" => [A().Eq(2), A().Ne(2), A().Lt(2), A().Le(2), A().Gt(2), A().Ge(2)],
            "logical" => [A().LogicalAnd(B()), A().LogicalOr(B()), A().LogicalNot()],
            "nan_finite" => [A().IsNaN(), A().IsFinite()],
            "all_any" => [A().All(), A().Any(), B().All(), Tensor.Zeros([2], DType.Bool).Any()],
            "min_all" => [A().Min()],
            "argmax" => [A().ArgMax(), A().ArgMax(1), A().ArgMax(0, keepDim: true)],
            "topk_smallest" => Pair(A().TopK(3, 1, largest: false)),
            "topk_flat_beam" => Pair(A().TopK(3, 1)), // (B, k*V) -> (B, k)
            "sort_ascending" => Pair(A().Sort(-1)),
            "to_dtype" => [A().To(DType.Int64), A().To(DType.Float64)],
            "squeeze_all" => [A().Squeeze()],
            "inplace_optimiser" => InPlace(A(), B(), C(), input(3)),
            "max_pool2d_default_stride" => [F.MaxPool2d(A(), (2, 2))],
            "avg_pool2d_include_pad" => [F.AvgPool2d(A(), (2, 2), (2, 2), (1, 1))],
            "interpolate_nearest" => [F.Interpolate(A(), 5, 6, InterpolationMode.Nearest)],
            "interpolate_align_corners" => [F.Interpolate(A(), 5, 7, alignCorners: true)],
            "cross_entropy_reductions" =>
            [
                F.CrossEntropy(A(), B(), ignoreIndex: 0, reduction: Reduction.None),
                F.CrossEntropy(A(), B(), ignoreIndex: 0, reduction: Reduction.Sum),
                F.CrossEntropy(A(), B(), ignoreIndex: 0, weight: C()),
            ],
            "bce_pos_weight" => [F.BinaryCrossEntropyWithLogits(A(), B(), C(), Reduction.Sum)],
            _ => throw new ArgumentException($"no C# case for op '{op}'", nameof(op)),
        };
    }

    private static Tensor[] Pair((Tensor Values, Tensor Indices) result) => [result.Values, result.Indices];

    private static Tensor Scalars(Tensor a) => (3.0 - a) * 2 + (1.0 / a) - a / 4;

    private static Tensor AbsSum(Tensor a) => (a - 2.0).Abs() + a.Abs();

    private static Tensor Where(Tensor a, Tensor b) => Tensor.Where(a.Gt(b), a, b * 2);

    private static Tensor MaskedSelectPositive(Tensor a) => a.MaskedSelect(a.Gt(0));

    // Training mode updates the running statistics in place: they are outputs too.
    private static Tensor[] BatchNormRunning(Tensor x, Tensor mean, Tensor var, Tensor weight, Tensor bias) =>
        [F.BatchNorm(x, mean, var, weight, bias, training: true, momentum: 0.1, eps: 1e-5), mean, var];

    private static Tensor[] InPlace(Tensor p, Tensor a, Tensor b, Tensor c) =>
    [
        p.Clone().Add_(a, -0.3), p.Clone().Mul_(0.9), p.Clone().AddCMul_(a, c, 0.2), p.Clone().AddCDiv_(a, b, -0.5),
        b.Clone().Sqrt_(), p.Clone().Maximum_(c), p.Clone().Add_(0.25), p.Clone().Mul_(c),
    ];
}
