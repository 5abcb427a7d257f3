using System.Runtime.InteropServices;

namespace Captioning.Torch;

internal static partial class NativeMethods
{
    [DllImport(Lib)] internal static extern void cap_tensor_free(IntPtr t);
    [DllImport(Lib)] internal static extern unsafe IntPtr cap_tensor_from_data(void* data, long nbytes, int dtype, long[] shape, long ndim, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_empty(long[] shape, long ndim, int dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_zeros(long[] shape, long ndim, int dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_ones(long[] shape, long ndim, int dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_full(long[] shape, long ndim, double value, int dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_rand(long[] shape, long ndim, int dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_randn(long[] shape, long ndim, int dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_randint(long low, long high, long[] shape, long ndim, int dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_randperm(long n, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_arange(double start, double end, double step, int dtype, int dt, int di);
    [DllImport(Lib)] internal static extern int cap_tensor_uniform_(IntPtr t, double low, double high);
    [DllImport(Lib)] internal static extern int cap_tensor_normal_(IntPtr t, double mean, double std);

    [DllImport(Lib)] internal static extern int cap_tensor_ndim(IntPtr t, out long ndim);
    [DllImport(Lib)] internal static extern int cap_tensor_shape(IntPtr t, long[] shape, long capacity);
    [DllImport(Lib)] internal static extern int cap_tensor_dtype(IntPtr t, out int dtype);
    [DllImport(Lib)] internal static extern int cap_tensor_device(IntPtr t, out int type, out int index);
    [DllImport(Lib)] internal static extern int cap_tensor_numel(IntPtr t, out long numel);
    [DllImport(Lib)] internal static extern int cap_tensor_item(IntPtr t, out double value);
    [DllImport(Lib)] internal static extern unsafe int cap_tensor_copy_to(IntPtr t, void* dst, long nbytes);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_to(IntPtr t, int dt, int di, int dtype, int copy);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_clone(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_detach(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_contiguous(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_alias(IntPtr t);
    [DllImport(Lib)] internal static extern int cap_tensor_is_contiguous(IntPtr t, out int value);

    [DllImport(Lib)] internal static extern int cap_tensor_requires_grad(IntPtr t, out int value);
    [DllImport(Lib)] internal static extern int cap_tensor_set_requires_grad(IntPtr t, int flag);
    [DllImport(Lib)] internal static extern int cap_tensor_backward(IntPtr t, IntPtr grad, int retainGraph);
    [DllImport(Lib)] internal static extern int cap_tensor_grad(IntPtr t, out IntPtr grad);
    [DllImport(Lib)] internal static extern int cap_tensor_zero_grad(IntPtr t);

    [DllImport(Lib)] internal static extern IntPtr cap_tensor_reshape(IntPtr t, long[] shape, long n);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_permute(IntPtr t, long[] order, long n);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_expand(IntPtr t, long[] shape, long n);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_repeat(IntPtr t, long[] reps, long n);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_transpose(IntPtr t, long a, long b);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_unsqueeze(IntPtr t, long d);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_squeeze(IntPtr t, long d);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_squeeze_all(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_flatten(IntPtr t, long start, long end);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_narrow(IntPtr t, long dim, long start, long length);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_select(IntPtr t, long dim, long index);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_index_select(IntPtr t, long dim, IntPtr index);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_gather(IntPtr t, long dim, IntPtr index);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_masked_select(IntPtr t, IntPtr mask);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_cat(IntPtr[] ts, long n, long dim);
    [DllImport(Lib)] internal static extern IntPtr cap_tensor_stack(IntPtr[] ts, long n, long dim);
}
