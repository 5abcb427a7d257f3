namespace Captioning.Torch;

public sealed partial class Tensor
{
    private static (int Type, int Index) Dev(Device? device)
    {
        var d = device ?? Device.Cpu;
        return ((int)d.Type, d.Index);
    }

    /// <summary>A tensor holding a copy of <paramref name="data"/> with the given shape (default: 1-D).</summary>
    public static unsafe Tensor From<T>(ReadOnlySpan<T> data, long[]? shape = null, Device? device = null) where T : unmanaged
    {
        shape ??= [data.Length];
        var (dt, di) = Dev(device);
        fixed (T* p = data)
        {
            return new Tensor(NativeMethods.cap_tensor_from_data(p, (long)data.Length * sizeof(T), (int)DTypes.Of<T>(), shape, shape.Length, dt, di));
        }
    }

    /// <summary>A tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor From<T>(T[] data, params long[] shape) where T : unmanaged =>
        From<T>((ReadOnlySpan<T>)data, shape.Length == 0 ? null : shape);

    /// <summary>A tensor from raw little-endian bytes of the given dtype (used by the weight readers).</summary>
    public static unsafe Tensor FromBytes(ReadOnlySpan<byte> data, DType dtype, long[] shape, Device? device = null)
    {
        var (dt, di) = Dev(device);
        fixed (byte* p = data)
        {
            return new Tensor(NativeMethods.cap_tensor_from_data(p, data.Length, (int)dtype, shape, shape.Length, dt, di));
        }
    }

    /// <summary>A one-element tensor.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32, Device? device = null) => Full([], value, dtype, device);

    /// <summary>Uninitialised memory.</summary>
    public static Tensor Empty(long[] shape, DType dtype = DType.Float32, Device? device = null)
    {
        var (dt, di) = Dev(device);
        return new(NativeMethods.cap_tensor_empty(shape, shape.Length, (int)dtype, dt, di));
    }

    /// <summary>All zeros.</summary>
    public static Tensor Zeros(long[] shape, DType dtype = DType.Float32, Device? device = null)
    {
        var (dt, di) = Dev(device);
        return new(NativeMethods.cap_tensor_zeros(shape, shape.Length, (int)dtype, dt, di));
    }

    /// <summary>All ones.</summary>
    public static Tensor Ones(long[] shape, DType dtype = DType.Float32, Device? device = null)
    {
        var (dt, di) = Dev(device);
        return new(NativeMethods.cap_tensor_ones(shape, shape.Length, (int)dtype, dt, di));
    }

    /// <summary>Every element equal to <paramref name="value"/>.</summary>
    public static Tensor Full(long[] shape, double value, DType dtype = DType.Float32, Device? device = null)
    {
        var (dt, di) = Dev(device);
        return new(NativeMethods.cap_tensor_full(shape, shape.Length, value, (int)dtype, dt, di));
    }

    /// <summary>Uniform samples in [0, 1) from the seeded default generator.</summary>
    public static Tensor Rand(long[] shape, DType dtype = DType.Float32, Device? device = null)
    {
        var (dt, di) = Dev(device);
        return new(NativeMethods.cap_tensor_rand(shape, shape.Length, (int)dtype, dt, di));
    }

    /// <summary>Standard normal samples from the seeded default generator.</summary>
    public static Tensor Randn(long[] shape, DType dtype = DType.Float32, Device? device = null)
    {
        var (dt, di) = Dev(device);
        return new(NativeMethods.cap_tensor_randn(shape, shape.Length, (int)dtype, dt, di));
    }

    /// <summary>Integers uniform in [low, high).</summary>
    public static Tensor RandInt(long low, long high, long[] shape, DType dtype = DType.Int64, Device? device = null)
    {
        var (dt, di) = Dev(device);
        return new(NativeMethods.cap_tensor_randint(low, high, shape, shape.Length, (int)dtype, dt, di));
    }

    /// <summary>A random permutation of 0..n-1 (int64).</summary>
    public static Tensor RandPerm(long n, Device? device = null)
    {
        var (dt, di) = Dev(device);
        return new(NativeMethods.cap_tensor_randperm(n, dt, di));
    }

    /// <summary>Values start, start+step, ... below end.</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Int64, Device? device = null)
    {
        var (dt, di) = Dev(device);
        return new(NativeMethods.cap_tensor_arange(start, end, step, (int)dtype, dt, di));
    }

    /// <summary>Fills this tensor in place with uniform samples in [low, high).</summary>
    public Tensor Uniform_(double low, double high)
    {
        NativeMethods.Check(NativeMethods.cap_tensor_uniform_(Handle, low, high));
        return this;
    }

    /// <summary>Fills this tensor in place with normal samples.</summary>
    public Tensor Normal_(double mean = 0, double std = 1)
    {
        NativeMethods.Check(NativeMethods.cap_tensor_normal_(Handle, mean, std));
        return this;
    }

    private static IntPtr[] Handles(IReadOnlyList<Tensor> tensors)
    {
        var handles = new IntPtr[tensors.Count];
        for (var i = 0; i < handles.Length; i++) handles[i] = tensors[i].Handle;
        return handles;
    }

    /// <summary>Concatenates along an existing dimension.</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0) => new(NativeMethods.cap_tensor_cat(Handles(tensors), tensors.Count, dim));

    /// <summary>Stacks along a new dimension.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0) => new(NativeMethods.cap_tensor_stack(Handles(tensors), tensors.Count, dim));

    /// <summary>Elementwise choice: a where condition holds, else b.</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b) => new(NativeMethods.cap_tensor_where(condition.Handle, a.Handle, b.Handle));
}
