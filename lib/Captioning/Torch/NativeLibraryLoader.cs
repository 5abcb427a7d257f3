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

    private static readonly object Gate = new();
    private static IntPtr loaded;

    internal static void Register(Assembly assembly) =>
        NativeLibrary.SetDllImportResolver(assembly, (name, _, _) => name == LibraryName ? Load() : IntPtr.Zero);

    internal static IntPtr Load()
    {
        lock (Gate)
        {
            if (loaded != IntPtr.Zero) return loaded;
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
