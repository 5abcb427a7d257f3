using System.Reflection;
using System.Runtime.InteropServices;

namespace Captioning.Torch;

/// <summary>
/// Finds libcaptioning_native.so: the CAPTIONING_NATIVE environment variable, then next to the
/// assembly, then the CMake build folder of a source checkout. Checks the ABI version once.
/// </summary>
internal static class NativeLibraryLoader
{
    internal const string LibraryName = "captioning_native";
    internal const string FileName = "libcaptioning_native.so";
    internal const int ExpectedAbiVersion = 1;
    internal const string EnvironmentVariable = "CAPTIONING_NATIVE";

    /// <summary>The OpenMP variable that says how idle worker threads wait for the next parallel region.</summary>
    internal const string WaitPolicyVariable = "OMP_WAIT_POLICY";

    private static readonly object Gate = new();
    private static IntPtr loaded;

    /// <summary>"PASSIVE (set by the workbook)", the inherited value, or null where not applied (not Linux).</summary>
    internal static string? WaitPolicy { get; private set; }

    internal static void Register(Assembly assembly) =>
        NativeLibrary.SetDllImportResolver(assembly, (name, _, _) => name == LibraryName ? Load() : IntPtr.Zero);

    internal static IntPtr Load()
    {
        lock (Gate)
        {
            if (loaded != IntPtr.Zero) return loaded;
            PreferPassiveOpenMpWait();
            var tried = new List<string>();
            foreach (var candidate in Candidates())
            {
                tried.Add(candidate);
                if (!File.Exists(candidate)) continue;
                try
                {
                    loaded = NativeLibrary.Load(candidate);
                }
                catch (DllNotFoundException e)
                {
                    throw new TorchException(
                        $"found {candidate} but it failed to load ({e.Message}); is libtorch-dev installed? Run environment/setup.");
                }
                CheckAbi(candidate);
                return loaded;
            }
            throw new TorchException(
                $"cannot find {FileName}; tried: {string.Join(", ", tried)}. Build it with environment/setup, " +
                $"or set {EnvironmentVariable} to its path.");
        }
    }

    // libtorch's CPU kernels run on OpenMP (libgomp), whose idle workers spin by default. Measured on
    // 2 cores (docs/benchmarks.md), the spinning workers take the core the .NET runtime's own threads
    // need: 2 threads trained the demo model 4x slower than 1 thread, and decoded half as fast, while
    // passive waiting made 2 threads at least as fast as 1. libgomp reads the variable once, when it
    // is loaded together with libtorch, so it is set here, just before that, in the native environment
    // (for libgomp) and the managed one (for child processes, e.g. the PyTorch reference of
    // `caption bench`). A value the user set is kept.
    private static void PreferPassiveOpenMpWait()
    {
        var inherited = Environment.GetEnvironmentVariable(WaitPolicyVariable);
        if (!string.IsNullOrEmpty(inherited))
        {
            WaitPolicy = $"{inherited} (from the environment)";
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
        WaitPolicy = $"PASSIVE (set by the workbook; {WaitPolicyVariable} overrides)";
    }

    [DllImport("libc.so.6", EntryPoint = "setenv")]
    private static extern int SetNativeEnvironment([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    /// <summary>The value libgomp sees: the native environment, not .NET's copy of it.</summary>
    [DllImport("libc.so.6", EntryPoint = "getenv")]
    private static extern IntPtr GetNativeEnvironment([MarshalAs(UnmanagedType.LPUTF8Str)] string name);

    internal static string? NativeEnvironment(string name) => Marshal.PtrToStringUTF8(GetNativeEnvironment(name));

    private static IEnumerable<string> Candidates()
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnv)) yield return Path.GetFullPath(fromEnv);
        var baseDir = AppContext.BaseDirectory;
        yield return Path.Combine(baseDir, FileName);
        // A checkout: walk up from bin/<config>/<tfm>/ to the folder holding lib/Captioning.Native.
        for (var dir = new DirectoryInfo(baseDir); dir != null; dir = dir.Parent)
        {
            var build = Path.Combine(dir.FullName, "lib", "Captioning.Native", "build", FileName);
            if (File.Exists(build) || Directory.Exists(Path.Combine(dir.FullName, "lib", "Captioning.Native")))
            {
                yield return build;
                yield break;
            }
        }
    }

    private static void CheckAbi(string path)
    {
        var export = NativeLibrary.GetExport(loaded, "cap_abi_version");
        int version;
        unsafe { version = ((delegate* unmanaged<int>)export)(); }
        if (version != ExpectedAbiVersion)
            throw new TorchException(
                $"{path} has native ABI version {version} but this library needs {ExpectedAbiVersion}; rebuild it with environment/setup.");
    }
}
