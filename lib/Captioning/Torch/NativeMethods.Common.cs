using System.Runtime.InteropServices;

namespace Captioning.Torch;

// P/Invoke declarations mirror the shim's source files one to one (cap_common.cpp here).
// Handles are raw pointers owned by TensorHandle; every export reports failure through
// a null handle or a -1 status, and the message is read with cap_error_message.
internal static partial class NativeMethods
{
    private const string Lib = NativeLibraryLoader.LibraryName;

    static NativeMethods() => NativeLibraryLoader.Register(typeof(NativeMethods).Assembly);

    [DllImport(Lib)] internal static extern int cap_abi_version();
    [DllImport(Lib)] internal static extern IntPtr cap_torch_version();
    [DllImport(Lib)] internal static extern IntPtr cap_error_message();
    [DllImport(Lib)] internal static extern void cap_error_clear();
    [DllImport(Lib)] internal static extern long cap_live_tensors();
    [DllImport(Lib)] internal static extern int cap_set_num_threads(int threads);
    [DllImport(Lib)] internal static extern int cap_get_num_threads();
    [DllImport(Lib)] internal static extern int cap_manual_seed(ulong seed);
    [DllImport(Lib)] internal static extern int cap_cuda_is_available();
    [DllImport(Lib)] internal static extern int cap_cuda_device_count();
    [DllImport(Lib)] internal static extern int cap_test_throw(int kind);
    [DllImport(Lib)] internal static extern int cap_grad_is_enabled();
    [DllImport(Lib)] internal static extern void cap_grad_set_enabled(int enabled);

    /// <summary>Throws the pending native error, clearing it.</summary>
    internal static Exception TakeError()
    {
        var ptr = cap_error_message();
        var message = ptr == IntPtr.Zero ? "native call failed without a message" : Marshal.PtrToStringUTF8(ptr)!;
        cap_error_clear();
        return new TorchException(message.Trim());
    }

    /// <summary>Returns a handle from a tensor-returning export, or throws its error.</summary>
    internal static IntPtr Check(IntPtr handle) => handle != IntPtr.Zero ? handle : throw TakeError();

    /// <summary>Checks a status-returning export.</summary>
    internal static void Check(int status)
    {
        if (status != 0) throw TakeError();
    }
}
