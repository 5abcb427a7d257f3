using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Captioning;

/// <summary>
/// Loads TorchSharp's native libraries and holds the process-wide libtorch settings: seed, threads, devices,
/// versions. Every entry point that computes calls <see cref="EnsureLoaded"/> (the CLI, the workbook and the
/// notebook runner); the module initializer already tries once, so that <c>#r "…/Captioning.dll"</c> in a
/// notebook kernel is enough even when the next cell calls <c>torch</c> directly.
/// </summary>
/// <remarks>
/// TorchSharp looks for its natives next to TorchSharp.dll or in the NuGet cache; inside a .NET Interactive
/// kernel neither holds them, and its error then names a missing package instead of the real cause. Loading
/// libtorch.so and libLibTorchSharp.so by absolute path from this assembly's own build output first makes
/// TorchSharp's own lookup find them already loaded (the approach verified in PLATFORM.md).
/// </remarks>
public static class TorchRuntime
{
    /// <summary>The OpenMP variable that says how idle worker threads wait for the next parallel region.</summary>
    internal const string WaitPolicyVariable = "OMP_WAIT_POLICY";

    private static readonly object Gate = new();
    private static bool attempted;
    private static string? failure;

    /// <summary>"PASSIVE (set by the workbook)", the inherited value, or null where not applied (not Linux).</summary>
    public static string? OpenMpWaitPolicy { get; private set; }

    /// <summary>The folder the native libraries were loaded from, or null when TorchSharp found them itself.</summary>
    public static string? NativeFolder { get; private set; }

#pragma warning disable CA2255 // A library module initializer is the point: it runs when a kernel first touches this assembly.
    [ModuleInitializer]
    internal static void Preload() => TryLoad();
#pragma warning restore CA2255

    /// <summary>
    /// Loads the natives (once) and throws a <see cref="CaptioningException"/> of one line, the dynamic
    /// loader's own reason and the command that fixes it, when they cannot load.
    /// </summary>
    public static void EnsureLoaded()
    {
        TryLoad();
        if (failure != null) throw new CaptioningException(failure);
    }

    private static void TryLoad()
    {
        lock (Gate)
        {
            if (attempted) return;
            attempted = true;
            PreferPassiveOpenMpWait();
            KeepFreedMemoryForReuse();
            var folder = NativeFolderOf(typeof(TorchRuntime).Assembly) ?? NativeFolderOf(typeof(torch).Assembly);
            if (folder == null) return; // e.g. a CUDA or non-Linux layout: TorchSharp's own lookup applies
            foreach (var name in new[] { "libtorch.so", "libLibTorchSharp.so" })
            {
                var path = Path.Combine(folder, name);
                try
                {
                    NativeLibrary.Load(path);
                }
                catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
                {
                    failure = LoadFailure(path, e.Message);
                    return;
                }
            }
            NativeFolder = folder;
            DisableNnpack();
        }
    }

    // LibTorch 2.10 logs "Could not initialize NNPACK! Reason: Unsupported hardware." on every convolution
    // that probes NNPACK (single-threaded 1x1 convolutions, as in ResNet-50's bottlenecks) on CPUs NNPACK
    // does not support. PyTorch's switch (torch.backends.nnpack.enabled = False) is not exposed by
    // TorchSharp, so the preload sets the flag in at::globalContext() through its exported C++ setter.
    // No result changes: x86-64 builds send those convolutions to oneDNN first; only the failing probe
    // and its log line stop. Where the symbols are absent (another build), the line is merely cosmetic.
    private static void DisableNnpack()
    {
        try
        {
            SetUserEnabledNnpack(GlobalContext(), false);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // only the log line is at stake
        }
    }

    // at::globalContext(): returns at::Context&.
    [DllImport("libtorch_cpu.so", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    // at::Context::setUserEnabledNNPACK(bool): a member function, so `this` comes first.
    [DllImport("libtorch_cpu.so", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    private static string? NativeFolderOf(Assembly assembly)
    {
        if (!OperatingSystem.IsLinux() || string.IsNullOrEmpty(assembly.Location)) return null;
        var folder = Path.Combine(Path.GetDirectoryName(assembly.Location)!, "runtimes", "linux-x64", "native");
        return File.Exists(Path.Combine(folder, "libLibTorchSharp.so")) ? folder : null;
    }

    internal static string LoadFailure(string path, string loaderMessage)
    {
        // .NET wraps dlerror()'s text; keep the loader's own sentence, which names the real cause.
        var reason = loaderMessage.Trim();
        var at = reason.LastIndexOf(path + ":", StringComparison.Ordinal);
        if (at >= 0) reason = reason[(at + path.Length + 1)..].Trim();
        var fix = reason.Contains("GLIBCXX_3.4.32", StringComparison.Ordinal)
            ? "rebuild with `dotnet build` (its step build/WeakenGlibcxx.targets makes the build output's copy load on Debian 12), e.g. environment/setup"
            : "run environment/setup (it restores and builds TorchSharp's native packages)";
        return $"TorchSharp cannot load {path}: {reason}. Fix: {fix}.";
    }

    /// <summary>Makes sure the natives load, then seeds libtorch's default generators (torch.manual_seed).</summary>
    public static void ManualSeed(long seed)
    {
        EnsureLoaded();
        torch.manual_seed(seed);
    }

    /// <summary>Intra-op threads libtorch uses (torch.get_num_threads).</summary>
    public static int Threads
    {
        get
        {
            EnsureLoaded();
            return torch.get_num_threads();
        }
        set
        {
            EnsureLoaded();
            torch.set_num_threads(value);
        }
    }

    /// <summary>True when the CUDA build of LibTorch sees at least one GPU.</summary>
    public static bool CudaIsAvailable
    {
        get
        {
            EnsureLoaded();
            return torch.cuda.is_available();
        }
    }

    /// <summary>Number of visible CUDA devices (0 with the CPU build).</summary>
    public static int CudaDeviceCount => CudaIsAvailable ? torch.cuda.device_count() : 0;

    /// <summary>TorchSharp's assembly version, e.g. 0.107.0.</summary>
    public static string TorchSharpVersion =>
        typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The LibTorch version of the native package, e.g. 2.10.0.</summary>
    public static string LibTorchVersion
    {
        get
        {
            EnsureLoaded();
            return torch.__version__;
        }
    }

    /// <summary>The best device: CUDA 0 when available, otherwise the CPU.</summary>
    public static torch.Device DefaultDevice => CudaIsAvailable ? torch.CUDA : torch.CPU;

    /// <summary>The device options the command line and the notebooks accept.</summary>
    public static readonly string[] DeviceNames = ["auto", "cpu", "cuda"];

    /// <summary>
    /// Resolves a device option: "auto" (CUDA when available, else the CPU), "cpu", "cuda" or "cuda:N".
    /// "cuda" where no GPU is visible is an error that says why, never a silent fall back.
    /// </summary>
    public static torch.Device ResolveDevice(string? option, string optionName = "--device")
    {
        var value = (option ?? "auto").Trim().ToLowerInvariant();
        switch (value)
        {
            case "auto":
                return DefaultDevice;
            case "cpu":
                EnsureLoaded();
                return torch.CPU;
        }
        if (value == "cuda" || value.StartsWith("cuda:", StringComparison.Ordinal))
        {
            var index = 0;
            if (value.Length > 4 && (!int.TryParse(value[5..], out index) || index < 0))
                throw new CaptioningException($"{optionName} {option}: expected cuda or cuda:N with N a device number");
            if (!CudaIsAvailable)
                throw new CaptioningException(
                    $"{optionName} {option}: CUDA is not available (no GPU visible, or a CPU build: build with -p:TorchBackend=cuda, docs/gpu.md); use {optionName} cpu or auto");
            if (index >= CudaDeviceCount)
                throw new CaptioningException($"{optionName} {option}: only {CudaDeviceCount} CUDA device(s) are visible");
            return new torch.Device(DeviceType.CUDA, index);
        }
        throw new CaptioningException($"{optionName} {option}: expected one of auto, cpu, cuda, cuda:N");
    }

    /// <summary>Sets the thread count to <paramref name="threads"/>, or to all cores when null or 0.</summary>
    public static void ConfigureThreads(int? threads)
    {
        var n = threads is null or 0 ? Environment.ProcessorCount : threads.Value;
        if (n < 1) throw new CaptioningException($"--threads must be 0 (one per core) or more, got {n}");
        Threads = n;
    }

    // libtorch's CPU kernels run on OpenMP (libgomp), whose idle workers spin by default. Measured on
    // 2 cores (docs/benchmarks.md), the spinning workers take the core the .NET runtime's own threads
    // need, while passive waiting made 2 threads at least as fast as 1. libgomp reads the variable once,
    // when it is loaded together with libtorch, so it is set here, just before that, in the native
    // environment (for libgomp) and the managed one (for child processes, e.g. the PyTorch reference of
    // `caption bench`). A value the user set is kept.
    private static void PreferPassiveOpenMpWait()
    {
        var inherited = Environment.GetEnvironmentVariable(WaitPolicyVariable);
        if (!string.IsNullOrEmpty(inherited))
        {
            OpenMpWaitPolicy = $"{inherited} (from the environment)";
            return;
        }
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            if (SetNativeEnvironment(WaitPolicyVariable, "PASSIVE", overwrite: 0) != 0) return;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return; // not glibc: leave OpenMP's default
        }
        Environment.SetEnvironmentVariable(WaitPolicyVariable, "PASSIVE");
        OpenMpWaitPolicy = $"PASSIVE (set by the workbook; {WaitPolicyVariable} overrides)";
    }

    /// <summary>How glibc's allocator was tuned for LibTorch's large CPU buffers (<see cref="KeepFreedMemoryForReuse"/>), or null when it was not.</summary>
    public static string? AllocatorTuning { get; private set; }

    // glibc's malloc serves every block above its mmap threshold (at most 32 MiB by default) with a fresh mmap and
    // returns it with munmap when freed, and gives heap memory back above a trim threshold. LibTorch's CPU activations
    // are such blocks (a batch of 32 images through ResNet-18: about 100 MB per layer), so every batch paid the kernel
    // for zeroed pages again: measured on 2 cores (docs/benchmarks.md), a third of extraction's time was system time.
    // Raising both thresholds keeps freed buffers in the heap for the next batch; resnet18-mlnet extraction ran 2.2x
    // faster. The cost is a higher resident size between batches (the heap keeps its largest working set). A value the
    // user set through glibc's own variables (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_) is kept.
    private static void KeepFreedMemoryForReuse()
    {
        if (!OperatingSystem.IsLinux()) return;
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_")) ||
            !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_")))
        {
            AllocatorTuning = "glibc's MALLOC_*_THRESHOLD_ from the environment";
            return;
        }
        try
        {
            if (SetAllocatorOption(MmapThreshold, LargeBlock) == 1 && SetAllocatorOption(TrimThreshold, LargeBlock) == 1)
                AllocatorTuning = $"glibc mmap and trim thresholds {LargeBlock >> 20} MiB (set by the workbook; MALLOC_MMAP_THRESHOLD_ overrides)";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // not glibc: its allocator has its own policy
        }
    }

    private const int TrimThreshold = -1;  // M_TRIM_THRESHOLD of malloc.h
    private const int MmapThreshold = -3;  // M_MMAP_THRESHOLD
    private const int LargeBlock = 1 << 30;

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int SetAllocatorOption(int option, int value);

    // Part of the native preload: libgomp reads the native environment, not .NET's copy of it.
    [DllImport("libc.so.6", EntryPoint = "setenv")]
    private static extern int SetNativeEnvironment([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    [DllImport("libc.so.6", EntryPoint = "getenv")]
    private static extern IntPtr GetNativeEnvironment([MarshalAs(UnmanagedType.LPUTF8Str)] string name);

    /// <summary>The value libgomp sees: the native environment, not .NET's copy of it.</summary>
    internal static string? NativeEnvironment(string name) => Marshal.PtrToStringUTF8(GetNativeEnvironment(name));
}
