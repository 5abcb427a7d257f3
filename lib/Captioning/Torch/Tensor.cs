using System.Runtime.InteropServices;

namespace Captioning.Torch;

/// <summary>
/// A libtorch tensor. Dispose it, or create it inside a <see cref="DisposeScope"/>; every
/// operation returns a new tensor owned by the current scope.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private readonly TensorHandle handle;

    internal Tensor(IntPtr pointer)
    {
        handle = new TensorHandle(NativeMethods.Check(pointer));
        DisposeScope.Register(this);
    }

    internal DisposeScope? Scope { get; set; }

    /// <summary>True once the native tensor has been freed.</summary>
    public bool IsDisposed => handle.IsClosed;

    internal IntPtr Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(handle.IsClosed, this);
            return handle.DangerousGetHandle();
        }
    }

    internal static IntPtr HandleOrZero(Tensor? tensor) => tensor?.Handle ?? IntPtr.Zero;

    /// <summary>Frees the native tensor now.</summary>
    public void Dispose()
    {
        handle.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Hands this tensor to the enclosing scope (or to nobody at top level), so it outlives the current one.</summary>
    public Tensor MoveToOuterScope()
    {
        Scope?.MoveToParent(this);
        return this;
    }

    /// <summary>Takes this tensor out of every scope: the caller (a module, an optimiser) disposes it.</summary>
    public Tensor DetachFromScope()
    {
        Scope = null;
        return this;
    }

    // ---- properties ----------------------------------------------------------------------------

    /// <summary>Number of dimensions.</summary>
    public int Dim
    {
        get
        {
            NativeMethods.Check(NativeMethods.cap_tensor_ndim(Handle, out var n));
            return (int)n;
        }
    }

    /// <summary>Size of every dimension.</summary>
    public long[] Shape
    {
        get
        {
            var shape = new long[Dim];
            NativeMethods.Check(NativeMethods.cap_tensor_shape(Handle, shape, shape.Length));
            return shape;
        }
    }

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public long Size(int dim)
    {
        var shape = Shape;
        var d = dim < 0 ? dim + shape.Length : dim;
        if (d < 0 || d >= shape.Length) throw new ArgumentOutOfRangeException(nameof(dim), $"dimension {dim} out of range for shape [{string.Join(", ", shape)}]");
        return shape[d];
    }

    /// <summary>Element count.</summary>
    public long NumEl
    {
        get
        {
            NativeMethods.Check(NativeMethods.cap_tensor_numel(Handle, out var n));
            return n;
        }
    }

    /// <summary>Element type.</summary>
    public DType DType
    {
        get
        {
            NativeMethods.Check(NativeMethods.cap_tensor_dtype(Handle, out var d));
            return (DType)d;
        }
    }

    /// <summary>Where the data lives.</summary>
    public Device Device
    {
        get
        {
            NativeMethods.Check(NativeMethods.cap_tensor_device(Handle, out var type, out var index));
            return new Device((DeviceType)type, index);
        }
    }

    /// <summary>True when memory is laid out densely in row-major order.</summary>
    public bool IsContiguous
    {
        get
        {
            NativeMethods.Check(NativeMethods.cap_tensor_is_contiguous(Handle, out var v));
            return v != 0;
        }
    }

    // ---- autograd -------------------------------------------------------------------------------

    /// <summary>Whether autograd records operations on this tensor.</summary>
    public bool RequiresGrad
    {
        get
        {
            NativeMethods.Check(NativeMethods.cap_tensor_requires_grad(Handle, out var v));
            return v != 0;
        }
        set => NativeMethods.Check(NativeMethods.cap_tensor_set_requires_grad(Handle, value ? 1 : 0));
    }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor.</summary>
    public Tensor RequiresGrad_(bool value = true)
    {
        RequiresGrad = value;
        return this;
    }

    /// <summary>Back-propagates from this tensor (a scalar, unless <paramref name="gradient"/> is given).</summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false) =>
        NativeMethods.Check(NativeMethods.cap_tensor_backward(Handle, HandleOrZero(gradient), retainGraph ? 1 : 0));

    /// <summary>The accumulated gradient as a new tensor sharing its storage, or null.</summary>
    public Tensor? Grad
    {
        get
        {
            NativeMethods.Check(NativeMethods.cap_tensor_grad(Handle, out var g));
            return g == IntPtr.Zero ? null : new Tensor(g);
        }
    }

    /// <summary>Drops the accumulated gradient (set_to_none, as torch does by default since 2.0).</summary>
    public void ZeroGrad() => NativeMethods.Check(NativeMethods.cap_tensor_zero_grad(Handle));

    // ---- data -------------------------------------------------------------------------------------

    /// <summary>The value of a one-element tensor.</summary>
    public double Item()
    {
        NativeMethods.Check(NativeMethods.cap_tensor_item(Handle, out var v));
        return v;
    }

    /// <summary>Copies the elements (row-major, moved to the CPU) into a new array; T must match the dtype.</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        var expected = DTypes.Of<T>();
        if (DType != expected) throw new InvalidOperationException($"tensor has dtype {DType}, not {expected}; convert it with To(DType.{expected}) first");
        var result = new T[NumEl];
        CopyTo<T>(result);
        return result;
    }

    /// <summary>Copies the elements into <paramref name="destination"/>, which must hold exactly NumEl elements of the tensor's dtype.</summary>
    public unsafe void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        fixed (T* p = destination)
        {
            NativeMethods.Check(NativeMethods.cap_tensor_copy_to(Handle, p, (long)destination.Length * sizeof(T)));
        }
    }

    /// <summary>The elements as float32 values, converting the dtype if needed.</summary>
    public float[] ToFloatArray()
    {
        if (DType == DType.Float32) return ToArray<float>();
        using var converted = To(DType.Float32);
        return converted.ToArray<float>();
    }

    /// <summary>The elements as int64 values, converting the dtype if needed.</summary>
    public long[] ToInt64Array()
    {
        if (DType == DType.Int64) return ToArray<long>();
        using var converted = To(DType.Int64);
        return converted.ToArray<long>();
    }

    /// <summary>The elements as float64 values, converting the dtype if needed.</summary>
    public double[] ToDoubleArray()
    {
        if (DType == DType.Float64) return ToArray<double>();
        using var converted = To(DType.Float64);
        return converted.ToArray<double>();
    }

    /// <summary>Raw bytes of the elements in row-major order.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[NumEl * DType.ElementSize()];
        CopyTo<byte>(bytes);
        return bytes;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        handle.IsClosed ? "Tensor(disposed)" : $"Tensor(shape=[{string.Join(", ", Shape)}], dtype={DType}, device={Device})";

    // ---- conversion -------------------------------------------------------------------------------

    /// <summary>This tensor with another dtype (a new tensor even when the dtype is unchanged).</summary>
    public Tensor To(DType dtype) => new(NativeMethods.cap_tensor_to(Handle, (int)Device.Type, Device.Index, (int)dtype, 0));

    /// <summary>This tensor on another device.</summary>
    public Tensor To(Device device) => new(NativeMethods.cap_tensor_to(Handle, (int)device.Type, device.Index, -1, 0));

    /// <summary>This tensor on another device with another dtype.</summary>
    public Tensor To(Device device, DType dtype) => new(NativeMethods.cap_tensor_to(Handle, (int)device.Type, device.Index, (int)dtype, 0));

    /// <summary>A copy with its own storage (recorded by autograd).</summary>
    public Tensor Clone() => new(NativeMethods.cap_tensor_clone(Handle));

    /// <summary>The same storage, cut from the autograd graph.</summary>
    public Tensor Detach() => new(NativeMethods.cap_tensor_detach(Handle));

    /// <summary>A row-major copy, or the same storage if already contiguous.</summary>
    public Tensor Contiguous() => new(NativeMethods.cap_tensor_contiguous(Handle));

    /// <summary>A second handle to the same tensor (shares storage and autograd identity).</summary>
    public Tensor Alias() => new(NativeMethods.cap_tensor_alias(Handle));
}
