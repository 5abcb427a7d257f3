using System.Runtime.InteropServices;

namespace Captioning.Torch;

internal static partial class NativeMethods
{
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_add(IntPtr a, IntPtr b, double alpha);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_sub(IntPtr a, IntPtr b, double alpha);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_mul(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_div(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_pow(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_maximum(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_minimum(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_matmul(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_bmm(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_add_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_mul_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_div_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_pow_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_rsub_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_fmod_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_floor_divide_scalar(IntPtr a, double s);

    [DllImport(Lib)] internal static extern IntPtr cap_tensor_neg(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_exp(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_log(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_sqrt(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_rsqrt(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_abs(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_sign(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_reciprocal(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_relu(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_tanh(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_sigmoid(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_logical_not(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_isnan(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_isfinite(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_clamp(IntPtr t, double low, double high);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_softmax(IntPtr t, long dim);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_log_softmax(IntPtr t, long dim);

    [DllImport(Lib)] internal static extern IntPtr cap_tensor_eq(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_ne(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_lt(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_le(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_gt(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_ge(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_logical_and(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_logical_or(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_eq_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_ne_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_lt_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_le_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_gt_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_ge_scalar(IntPtr a, double s);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_masked_fill(IntPtr t, IntPtr mask, double value);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_where(IntPtr condition, IntPtr a, IntPtr b);

    [DllImport(Lib)] internal static extern IntPtr cap_tensor_sum(IntPtr t, long[] dims, long ndims, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_mean(IntPtr t, long[] dims, long ndims, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_max_all(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_min_all(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_all(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_any(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_argmax_all(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_argmax(IntPtr t, long dim, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_norm(IntPtr t, double p);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_cumsum(IntPtr t, long dim);
    [DllImport(Lib)] internal static extern int cap_tensor_max_dim(IntPtr t, long dim, int keepdim, out IntPtr values, out IntPtr indices);
    [DllImport(Lib)] internal static extern int cap_tensor_min_dim(IntPtr t, long dim, int keepdim, out IntPtr values, out IntPtr indices);
    [DllImport(Lib)] internal static extern int cap_tensor_topk(IntPtr t, long k, long dim, int largest, int sorted, out IntPtr values, out IntPtr indices);
    [DllImport(Lib)] internal static extern int cap_tensor_sort(IntPtr t, long dim, int descending, int stable, out IntPtr values, out IntPtr indices);

    [DllImport(Lib)] internal static extern int cap_tensor_add_(IntPtr t, IntPtr other, double alpha);
    [DllImport(Lib)] internal static extern int cap_tensor_mul_scalar_(IntPtr t, double s);
    [DllImport(Lib)] internal static extern int cap_tensor_mul_(IntPtr t, IntPtr other);
    [DllImport(Lib)] internal static extern int cap_tensor_add_scalar_(IntPtr t, double s);
    [DllImport(Lib)] internal static extern int cap_tensor_addcmul_(IntPtr t, IntPtr a, IntPtr b, double value);
    [DllImport(Lib)] internal static extern int cap_tensor_addcdiv_(IntPtr t, IntPtr a, IntPtr b, double value);
    [DllImport(Lib)] internal static extern int cap_tensor_copy_(IntPtr t, IntPtr src);
    [DllImport(Lib)] internal static extern int cap_tensor_fill_(IntPtr t, double value);
    [DllImport(Lib)] internal static extern int cap_tensor_zero_(IntPtr t);
    [DllImport(Lib)] internal static extern int cap_tensor_sqrt_(IntPtr t);
    [DllImport(Lib)] internal static extern int cap_tensor_maximum_(IntPtr t, IntPtr other);
}
