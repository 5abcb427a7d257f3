using System.Diagnostics;
using Xunit;

namespace Captioning.Tests.Torch;

/// <summary>
/// build/WeakenGlibcxx.targets, the build step that makes TorchSharp's libLibTorchSharp.so load on Debian 12:
/// it flips exactly the flags of the GLIBCXX_3.4.32 requirement in the output copy, is idempotent, keeps
/// the file's timestamp, and never touches the NuGet cache.
/// </summary>
public sealed class GlibcxxBuildStepTests
{
    private static string CachedLibrary()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packages))
            packages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"restore first: {path} is missing");
        return path;
    }

    private static bool SystemHasGlibcxx332()
    {
        var run = Process.Start(new ProcessStartInfo("bash", ["-c",
            "grep -qs GLIBCXX_3.4.32 $(ldconfig -p | sed -n 's/.*libstdc++.so.6 (libc6,x86-64) => //p' | head -1)"]))!;
        run.WaitForExit();
        return run.ExitCode == 0;
    }

    private static void RunStep(string project)
    {
        var start = new ProcessStartInfo("dotnet", ["msbuild", project, "-t:WeakenTorchSharpGlibcxx", "-nologo", "-v:q"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var run = Process.Start(start)!;
        var output = run.StandardOutput.ReadToEnd() + run.StandardError.ReadToEnd();
        run.WaitForExit();
        Assert.True(run.ExitCode == 0, $"the build step failed: {output}");
    }

    [Fact]
    public void Step_WeakensOnlyThatRequirement_Idempotently_InTheOutputCopy()
    {
        var cache = CachedLibrary();
        var original = File.ReadAllBytes(cache);
        var originalStamp = File.GetLastWriteTimeUtc(cache);
        var dir = Directory.CreateTempSubdirectory("glibcxx-step-");
        try
        {
            var native = Path.Combine(dir.FullName, "out", "runtimes", "linux-x64", "native");
            Directory.CreateDirectory(native);
            var copy = Path.Combine(native, "libLibTorchSharp.so");
            File.Copy(cache, copy);
            File.SetLastWriteTimeUtc(copy, originalStamp);
            var project = Path.Combine(dir.FullName, "step.proj");
            File.WriteAllText(project, $"""
                <Project>
                  <PropertyGroup><OutDir>{dir.FullName}/out/</OutDir></PropertyGroup>
                  <Import Project="{RepoPaths.Root()}/build/WeakenGlibcxx.targets" />
                </Project>
                """);

            RunStep(project);
            var once = File.ReadAllBytes(copy);
            Assert.Equal(original.Length, once.Length);
            var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != once[i]).ToList();
            if (SystemHasGlibcxx332())
            {
                Assert.Empty(changed); // a newer libstdc++ needs no patch: the step leaves the file alone
            }
            else
            {
                // Debian 12: one byte, the low byte of vna_flags in the Vernaux entry, gains VER_FLG_WEAK (2).
                var at = Assert.Single(changed);
                Assert.Equal(original[at] | 2, once[at]);
            }
            Assert.Equal(originalStamp, File.GetLastWriteTimeUtc(copy)); // incremental builds do not copy it back

            RunStep(project);
            Assert.Equal(once, File.ReadAllBytes(copy)); // idempotent
            Assert.Equal(original, File.ReadAllBytes(cache)); // the NuGet cache is never changed
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void TestProcess_LoadedTheWeakenedCopyFromItsOwnOutput()
    {
        // Every torch test in this process depends on it; this one names the file and its state.
        TorchRuntime.EnsureLoaded();
        var copy = Path.Combine(TorchRuntime.NativeFolder!, "libLibTorchSharp.so");
        var differs = !File.ReadAllBytes(copy).AsSpan().SequenceEqual(File.ReadAllBytes(CachedLibrary()));
        Assert.Equal(!SystemHasGlibcxx332(), differs);
    }
}
