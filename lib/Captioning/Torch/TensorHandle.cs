using System.Runtime.InteropServices;

namespace Captioning.Torch;

/// <summary>Owns one native at::Tensor box; the only type that frees it.</summary>
internal sealed class TensorHandle : SafeHandle
{
    private static long live;

    /// <summary>Tensor handles currently alive in this process (leak checks in tests).</summary>
    internal static long LiveCount => Interlocked.Read(ref live);

    internal TensorHandle(IntPtr pointer) : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(pointer);
        Interlocked.Increment(ref live);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.cap_tensor_free(handle);
        Interlocked.Decrement(ref live);
        return true;
    }
}
