namespace Captioning.Torch;

public sealed partial class Tensor
{
    private Tensor Pair(Tensor other, Func<IntPtr, IntPtr, IntPtr> op) => new(op(Handle, other.Handle));
    private Tensor Unary(Func<IntPtr, IntPtr> op) => new(op(Handle));

    // ---- arithmetic with broadcasting --------------------------------------------------------------

    /// <summary>this + alpha * other.</summary>
    public Tensor Add(Tensor other, double alpha = 1) => new(NativeMethods.cap_tensor_add(Handle, other.Handle, alpha));
    /// <summary>this - alpha * other.</summary>
    public Tensor Sub(Tensor other, double alpha = 1) => new(NativeMethods.cap_tensor_sub(Handle, other.Handle, alpha));
    /// <summary>Elementwise product.</summary>
    public Tensor Mul(Tensor other) => Pair(other, NativeMethods.cap_tensor_mul);
    /// <summary>Elementwise quotient.</summary>
    public Tensor Div(Tensor other) => Pair(other, NativeMethods.cap_tensor_div);
    /// <summary>Elementwise power.</summary>
    public Tensor Pow(Tensor exponent) => Pair(exponent, NativeMethods.cap_tensor_pow);
    /// <summary>this raised to a scalar power.</summary>
    public Tensor Pow(double exponent) => new(NativeMethods.cap_tensor_pow_scalar(Handle, exponent));
    /// <summary>Elementwise maximum.</summary>
    public Tensor Maximum(Tensor other) => Pair(other, NativeMethods.cap_tensor_maximum);
    /// <summary>Elementwise minimum.</summary>
    public Tensor Minimum(Tensor other) => Pair(other, NativeMethods.cap_tensor_minimum);
    /// <summary>Matrix product with torch.matmul's broadcasting rules.</summary>
    public Tensor MatMul(Tensor other) => Pair(other, NativeMethods.cap_tensor_matmul);
    /// <summary>Batched matrix product of (b, n, m) and (b, m, p).</summary>
    public Tensor Bmm(Tensor other) => Pair(other, NativeMethods.cap_tensor_bmm);
    /// <summary>Remainder with the sign of the dividend.</summary>
    public Tensor Fmod(double divisor) => new(NativeMethods.cap_tensor_fmod_scalar(Handle, divisor));
    /// <summary>Division rounded towards negative infinity.</summary>
    public Tensor FloorDivide(double divisor) => new(NativeMethods.cap_tensor_floor_divide_scalar(Handle, divisor));

    /// <summary>Sum.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    /// <summary>Tensor plus scalar.</summary>
    public static Tensor operator +(Tensor a, double s) => new(NativeMethods.cap_tensor_add_scalar(a.Handle, s));
    /// <summary>Scalar plus tensor.</summary>
    public static Tensor operator +(double s, Tensor a) => a + s;
    /// <summary>Difference.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    /// <summary>Tensor minus scalar.</summary>
    public static Tensor operator -(Tensor a, double s) => new(NativeMethods.cap_tensor_add_scalar(a.Handle, -s));
    /// <summary>Scalar minus tensor.</summary>
    public static Tensor operator -(double s, Tensor a) => new(NativeMethods.cap_tensor_rsub_scalar(a.Handle, s));
    /// <summary>Elementwise product.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    /// <summary>Tensor times scalar.</summary>
    public static Tensor operator *(Tensor a, double s) => new(NativeMethods.cap_tensor_mul_scalar(a.Handle, s));
    /// <summary>Scalar times tensor.</summary>
    public static Tensor operator *(double s, Tensor a) => a * s;
    /// <summary>Elementwise quotient.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    /// <summary>Tensor over scalar.</summary>
    public static Tensor operator /(Tensor a, double s) => new(NativeMethods.cap_tensor_div_scalar(a.Handle, s));
    /// <summary>Scalar over tensor.</summary>
    public static Tensor operator /(double s, Tensor a)
    {
        using var r = a.Reciprocal();
        return r * s;
    }
    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => a.Neg();

    // ---- unary ---------------------------------------------------------------------------------

    /// <summary>-x.</summary>
    public Tensor Neg() => Unary(NativeMethods.cap_tensor_neg);
    /// <summary>e^x.</summary>
    public Tensor Exp() => Unary(NativeMethods.cap_tensor_exp);
    /// <summary>Natural logarithm.</summary>
    public Tensor Log() => Unary(NativeMethods.cap_tensor_log);
    /// <summary>Square root.</summary>
    public Tensor Sqrt() => Unary(NativeMethods.cap_tensor_sqrt);
    /// <summary>1 / sqrt(x).</summary>
    public Tensor Rsqrt() => Unary(NativeMethods.cap_tensor_rsqrt);
    /// <summary>|x|.</summary>
    public Tensor Abs() => Unary(NativeMethods.cap_tensor_abs);
    /// <summary>Sign (-1, 0, 1).</summary>
    public Tensor Sign() => Unary(NativeMethods.cap_tensor_sign);
    /// <summary>1 / x.</summary>
    public Tensor Reciprocal() => Unary(NativeMethods.cap_tensor_reciprocal);
    /// <summary>max(x, 0).</summary>
    public Tensor Relu() => Unary(NativeMethods.cap_tensor_relu);
    /// <summary>Hyperbolic tangent.</summary>
    public Tensor Tanh() => Unary(NativeMethods.cap_tensor_tanh);
    /// <summary>Logistic sigmoid.</summary>
    public Tensor Sigmoid() => Unary(NativeMethods.cap_tensor_sigmoid);
    /// <summary>Logical not of a bool tensor.</summary>
    public Tensor LogicalNot() => Unary(NativeMethods.cap_tensor_logical_not);
    /// <summary>Elementwise NaN test.</summary>
    public Tensor IsNaN() => Unary(NativeMethods.cap_tensor_isnan);
    /// <summary>Elementwise finiteness test.</summary>
    public Tensor IsFinite() => Unary(NativeMethods.cap_tensor_isfinite);
    /// <summary>Values clamped into [low, high].</summary>
    public Tensor Clamp(double low, double high) => new(NativeMethods.cap_tensor_clamp(Handle, low, high));
    /// <summary>Softmax along <paramref name="dim"/>.</summary>
    public Tensor Softmax(long dim) => new(NativeMethods.cap_tensor_softmax(Handle, dim));
    /// <summary>Log-softmax along <paramref name="dim"/>.</summary>
    public Tensor LogSoftmax(long dim) => new(NativeMethods.cap_tensor_log_softmax(Handle, dim));

    // ---- comparisons ------------------------------------------------------------------------------

    /// <summary>Elementwise ==.</summary>
    public Tensor Eq(Tensor other) => Pair(other, NativeMethods.cap_tensor_eq);
    /// <summary>Elementwise !=.</summary>
    public Tensor Ne(Tensor other) => Pair(other, NativeMethods.cap_tensor_ne);
    /// <summary>Elementwise &lt;.</summary>
    public Tensor Lt(Tensor other) => Pair(other, NativeMethods.cap_tensor_lt);
    /// <summary>Elementwise &lt;=.</summary>
    public Tensor Le(Tensor other) => Pair(other, NativeMethods.cap_tensor_le);
    /// <summary>Elementwise &gt;.</summary>
    public Tensor Gt(Tensor other) => Pair(other, NativeMethods.cap_tensor_gt);
    /// <summary>Elementwise &gt;=.</summary>
    public Tensor Ge(Tensor other) => Pair(other, NativeMethods.cap_tensor_ge);
    /// <summary>Elementwise == scalar.</summary>
    public Tensor Eq(double s) => new(NativeMethods.cap_tensor_eq_scalar(Handle, s));
    /// <summary>Elementwise != scalar.</summary>
    public Tensor Ne(double s) => new(NativeMethods.cap_tensor_ne_scalar(Handle, s));
    /// <summary>Elementwise &lt; scalar.</summary>
    public Tensor Lt(double s) => new(NativeMethods.cap_tensor_lt_scalar(Handle, s));
    /// <summary>Elementwise &lt;= scalar.</summary>
    public Tensor Le(double s) => new(NativeMethods.cap_tensor_le_scalar(Handle, s));
    /// <summary>Elementwise &gt; scalar.</summary>
    public Tensor Gt(double s) => new(NativeMethods.cap_tensor_gt_scalar(Handle, s));
    /// <summary>Elementwise &gt;= scalar.</summary>
    public Tensor Ge(double s) => new(NativeMethods.cap_tensor_ge_scalar(Handle, s));
    /// <summary>Elementwise logical and.</summary>
    public Tensor LogicalAnd(Tensor other) => Pair(other, NativeMethods.cap_tensor_logical_and);
    /// <summary>Elementwise logical or.</summary>
    public Tensor LogicalOr(Tensor other) => Pair(other, NativeMethods.cap_tensor_logical_or);
    /// <summary>This tensor with <paramref name="value"/> wherever mask is true.</summary>
    public Tensor MaskedFill(Tensor mask, double value) => new(NativeMethods.cap_tensor_masked_fill(Handle, mask.Handle, value));

    // ---- reductions --------------------------------------------------------------------------------

    /// <summary>Sum over all elements, or over <paramref name="dims"/>.</summary>
    public Tensor Sum(long[]? dims = null, bool keepDim = false) =>
        new(NativeMethods.cap_tensor_sum(Handle, dims ?? [], dims?.Length ?? 0, keepDim ? 1 : 0));
    /// <summary>Sum over one dimension.</summary>
    public Tensor Sum(long dim, bool keepDim = false) => Sum([dim], keepDim);
    /// <summary>Mean over all elements, or over <paramref name="dims"/>.</summary>
    public Tensor Mean(long[]? dims = null, bool keepDim = false) =>
        new(NativeMethods.cap_tensor_mean(Handle, dims ?? [], dims?.Length ?? 0, keepDim ? 1 : 0));
    /// <summary>Mean over one dimension.</summary>
    public Tensor Mean(long dim, bool keepDim = false) => Mean([dim], keepDim);
    /// <summary>Largest element.</summary>
    public Tensor Max() => Unary(NativeMethods.cap_tensor_max_all);
    /// <summary>Smallest element.</summary>
    public Tensor Min() => Unary(NativeMethods.cap_tensor_min_all);
    /// <summary>True when every element is true (non-zero).</summary>
    public Tensor All() => Unary(NativeMethods.cap_tensor_all);
    /// <summary>True when some element is true (non-zero).</summary>
    public Tensor Any() => Unary(NativeMethods.cap_tensor_any);
    /// <summary>Flat index of the largest element.</summary>
    public Tensor ArgMax() => Unary(NativeMethods.cap_tensor_argmax_all);
    /// <summary>Index of the largest element along <paramref name="dim"/>.</summary>
    public Tensor ArgMax(long dim, bool keepDim = false) => new(NativeMethods.cap_tensor_argmax(Handle, dim, keepDim ? 1 : 0));
    /// <summary>The p-norm of all elements.</summary>
    public Tensor Norm(double p = 2) => new(NativeMethods.cap_tensor_norm(Handle, p));
    /// <summary>Cumulative sum along <paramref name="dim"/>.</summary>
    public Tensor CumSum(long dim) => new(NativeMethods.cap_tensor_cumsum(Handle, dim));

    private (Tensor Values, Tensor Indices) TwoOut(Func<(int Status, IntPtr V, IntPtr I)> call)
    {
        var (status, v, i) = call();
        NativeMethods.Check(status);
        return (new Tensor(v), new Tensor(i));
    }

    /// <summary>Largest values and their indices along <paramref name="dim"/>.</summary>
    public (Tensor Values, Tensor Indices) Max(long dim, bool keepDim = false) =>
        TwoOut(() => (NativeMethods.cap_tensor_max_dim(Handle, dim, keepDim ? 1 : 0, out var v, out var i), v, i));
    /// <summary>Smallest values and their indices along <paramref name="dim"/>.</summary>
    public (Tensor Values, Tensor Indices) Min(long dim, bool keepDim = false) =>
        TwoOut(() => (NativeMethods.cap_tensor_min_dim(Handle, dim, keepDim ? 1 : 0, out var v, out var i), v, i));
    /// <summary>The k largest (or smallest) values along <paramref name="dim"/> and their indices.</summary>
    public (Tensor Values, Tensor Indices) TopK(long k, long dim = -1, bool largest = true, bool sorted = true) =>
        TwoOut(() => (NativeMethods.cap_tensor_topk(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, out var v, out var i), v, i));
    /// <summary>Values sorted along <paramref name="dim"/> and the permutation that sorts them.</summary>
    public (Tensor Values, Tensor Indices) Sort(long dim = -1, bool descending = false, bool stable = true) =>
        TwoOut(() => (NativeMethods.cap_tensor_sort(Handle, dim, descending ? 1 : 0, stable ? 1 : 0, out var v, out var i), v, i));

    // ---- in place (no autograd history; for optimisers and initialisers) ---------------------------------

    /// <summary>this += alpha * other.</summary>
    public Tensor Add_(Tensor other, double alpha = 1) { NativeMethods.Check(NativeMethods.cap_tensor_add_(Handle, other.Handle, alpha)); return this; }
    /// <summary>this += s.</summary>
    public Tensor Add_(double s) { NativeMethods.Check(NativeMethods.cap_tensor_add_scalar_(Handle, s)); return this; }
    /// <summary>this *= s.</summary>
    public Tensor Mul_(double s) { NativeMethods.Check(NativeMethods.cap_tensor_mul_scalar_(Handle, s)); return this; }
    /// <summary>this *= other.</summary>
    public Tensor Mul_(Tensor other) { NativeMethods.Check(NativeMethods.cap_tensor_mul_(Handle, other.Handle)); return this; }
    /// <summary>this += value * a * b.</summary>
    public Tensor AddCMul_(Tensor a, Tensor b, double value) { NativeMethods.Check(NativeMethods.cap_tensor_addcmul_(Handle, a.Handle, b.Handle, value)); return this; }
    /// <summary>this += value * a / b.</summary>
    public Tensor AddCDiv_(Tensor a, Tensor b, double value) { NativeMethods.Check(NativeMethods.cap_tensor_addcdiv_(Handle, a.Handle, b.Handle, value)); return this; }
    /// <summary>Copies <paramref name="source"/> into this tensor (broadcasting, converting dtype).</summary>
    public Tensor Copy_(Tensor source) { NativeMethods.Check(NativeMethods.cap_tensor_copy_(Handle, source.Handle)); return this; }
    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public Tensor Fill_(double value) { NativeMethods.Check(NativeMethods.cap_tensor_fill_(Handle, value)); return this; }
    /// <summary>Sets every element to zero.</summary>
    public Tensor Zero_() { NativeMethods.Check(NativeMethods.cap_tensor_zero_(Handle)); return this; }
    /// <summary>Square root in place.</summary>
    public Tensor Sqrt_() { NativeMethods.Check(NativeMethods.cap_tensor_sqrt_(Handle)); return this; }
    /// <summary>Elementwise maximum with <paramref name="other"/>, in place.</summary>
    public Tensor Maximum_(Tensor other) { NativeMethods.Check(NativeMethods.cap_tensor_maximum_(Handle, other.Handle)); return this; }

    // ---- shape -------------------------------------------------------------------------------------

    /// <summary>Same elements, new shape (one entry may be -1).</summary>
    public Tensor Reshape(params long[] shape) => new(NativeMethods.cap_tensor_reshape(Handle, shape, shape.Length));
    /// <summary>Dimensions reordered.</summary>
    public Tensor Permute(params long[] order) => new(NativeMethods.cap_tensor_permute(Handle, order, order.Length));
    /// <summary>A broadcast view to <paramref name="shape"/> (-1 keeps a size).</summary>
    public Tensor Expand(params long[] shape) => new(NativeMethods.cap_tensor_expand(Handle, shape, shape.Length));
    /// <summary>Tiled copies.</summary>
    public Tensor Repeat(params long[] repeats) => new(NativeMethods.cap_tensor_repeat(Handle, repeats, repeats.Length));
    /// <summary>Two dimensions swapped.</summary>
    public Tensor Transpose(long a, long b) => new(NativeMethods.cap_tensor_transpose(Handle, a, b));
    /// <summary>A size-1 dimension inserted at <paramref name="dim"/>.</summary>
    public Tensor Unsqueeze(long dim) => new(NativeMethods.cap_tensor_unsqueeze(Handle, dim));
    /// <summary>Dimension <paramref name="dim"/> removed if its size is 1.</summary>
    public Tensor Squeeze(long dim) => new(NativeMethods.cap_tensor_squeeze(Handle, dim));
    /// <summary>Every size-1 dimension removed.</summary>
    public Tensor Squeeze() => Unary(NativeMethods.cap_tensor_squeeze_all);
    /// <summary>Dimensions start..end merged into one.</summary>
    public Tensor Flatten(long start = 0, long end = -1) => new(NativeMethods.cap_tensor_flatten(Handle, start, end));
    /// <summary>A view of <paramref name="length"/> entries from <paramref name="start"/> along <paramref name="dim"/>.</summary>
    public Tensor Narrow(long dim, long start, long length) => new(NativeMethods.cap_tensor_narrow(Handle, dim, start, length));
    /// <summary>The slice at <paramref name="index"/> along <paramref name="dim"/>, that dimension removed.</summary>
    public Tensor Select(long dim, long index) => new(NativeMethods.cap_tensor_select(Handle, dim, index));
    /// <summary>Entries at <paramref name="index"/> (int64) along <paramref name="dim"/>.</summary>
    public Tensor IndexSelect(long dim, Tensor index) => new(NativeMethods.cap_tensor_index_select(Handle, dim, index.Handle));
    /// <summary>torch.gather along <paramref name="dim"/>.</summary>
    public Tensor Gather(long dim, Tensor index) => new(NativeMethods.cap_tensor_gather(Handle, dim, index.Handle));
    /// <summary>The elements where mask is true, as a 1-D tensor.</summary>
    public Tensor MaskedSelect(Tensor mask) => new(NativeMethods.cap_tensor_masked_select(Handle, mask.Handle));
}
