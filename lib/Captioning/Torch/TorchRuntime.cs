using System.Runtime.InteropServices;

namespace Captioning.Torch;

/// <summary>Process-wide libtorch settings: seed, threads, devices, versions.</summary>
public static class TorchRuntime
{
    /// <summary>Seeds libtorch's default generators (torch.manual_seed).</summary>
    public static void ManualSeed(ulong seed) => NativeMethods.Check(NativeMethods.cap_manual_seed(seed));

    /// <summary>Intra-op threads libtorch uses (at::get_num_threads).</summary>
    public static int Threads
    {
        get => NativeMethods.cap_get_num_threads();
        set => NativeMethods.Check(NativeMethods.cap_set_num_threads(value));
    }

    /// <summary>True when a CUDA libtorch sees at least one GPU.</summary>
    public static bool CudaIsAvailable => NativeMethods.cap_cuda_is_available() != 0;

    /// <summary>Number of visible CUDA devices (0 with a CPU libtorch).</summary>
    public static int CudaDeviceCount => NativeMethods.cap_cuda_device_count();

    /// <summary>The libtorch version the shim was built against.</summary>
    public static string LibTorchVersion => Marshal.PtrToStringUTF8(NativeMethods.cap_torch_version()) ?? "unknown";

    /// <summary>
    /// How OpenMP's idle threads wait: "PASSIVE (set by the workbook; ...)" unless OMP_WAIT_POLICY was set
    /// before the process started (then that value), or null where the workbook leaves OpenMP's default.
    /// </summary>
    public static string? OpenMpWaitPolicy
    {
        get
        {
            NativeLibraryLoader.Load();
            return NativeLibraryLoader.WaitPolicy;
        }
    }

    /// <summary>Native tensor boxes alive (a cross-check of <see cref="LiveTensorHandles"/>).</summary>
    public static long LiveNativeTensors => NativeMethods.cap_live_tensors();

    /// <summary>Managed tensor handles alive in this process.</summary>
    public static long LiveTensorHandles => TensorHandle.LiveCount;

    /// <summary>The best device: CUDA 0 when available, otherwise the CPU.</summary>
    public static Device DefaultDevice => CudaIsAvailable ? Device.Cuda(0) : Device.Cpu;

    /// <summary>Sets the thread count to <paramref name="threads"/>, or to all cores when null or 0.</summary>
    public static void ConfigureThreads(int? threads)
    {
        var n = threads is null or 0 ? Environment.ProcessorCount : threads.Value;
        if (n < 1) throw new CaptioningException($"--threads must be 0 (one per core) or more, got {n}");
        Threads = n;
    }
}
