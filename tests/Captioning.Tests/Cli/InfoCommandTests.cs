using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace Captioning.Tests.Cli;

/// <summary>`caption info` in a child process whose environment the test controls.</summary>
public sealed class InfoCommandTests
{
    private static string Info(string? waitPolicy, string? mmapThreshold = null)
    {
        var start = new ProcessStartInfo(CliProcess.Path(), "info") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("OMP_WAIT_POLICY");
        start.Environment.Remove("MALLOC_MMAP_THRESHOLD_");
        start.Environment.Remove("MALLOC_TRIM_THRESHOLD_");
        if (waitPolicy != null) start.Environment["OMP_WAIT_POLICY"] = waitPolicy;
        if (mmapThreshold != null) start.Environment["MALLOC_MMAP_THRESHOLD_"] = mmapThreshold;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "caption info did not finish within a minute");
        Assert.True(process.ExitCode == 0, stderr.Result);
        return stdout.Result;
    }

    // The version pinned in the repository's Directory.Packages.props: what the build restored.
    private static string PinnedVersion(string package)
    {
        var cli = new FileInfo(CliProcess.Path());
        var root = cli.Directory!.Parent!.Parent!.Parent!.Parent!.Parent!.FullName; // lib/Captioning.Cli/bin/Release/net10.0
        var props = File.ReadAllText(Path.Combine(root, "Directory.Packages.props"));
        return Regex.Match(props, $"<PackageVersion Include=\"{Regex.Escape(package)}\" Version=\"([^\"]+)\"").Groups[1].Value;
    }

    [Fact]
    public void Info_ShowsThePassiveOpenMpWaitTheWorkbookSets()
    {
        var text = Info(null);
        Assert.Matches(@"(?m)^threads    \d+ \(cores: \d+\); OpenMP wait policy PASSIVE \(set by the workbook; OMP_WAIT_POLICY overrides\)$", text);
    }

    [Fact]
    public void Info_KeepsTheUsersOpenMpWaitPolicy()
    {
        Assert.Contains("; OpenMP wait policy ACTIVE (from the environment)", Info("ACTIVE"));
    }

    [Fact]
    public void Info_ShowsTheAllocatorThresholdsTheWorkbookSets_AndKeepsTheUsers()
    {
        // mallopt accepted both values (it returns 0 for one it refuses, and then the line says the C library's defaults).
        Assert.Contains("allocator  glibc mmap and trim thresholds 1024 MiB (set by the workbook; MALLOC_MMAP_THRESHOLD_ overrides)", Info(null).Split('\n'));
        Assert.Contains("allocator  glibc's MALLOC_*_THRESHOLD_ from the environment", Info(null, mmapThreshold: "131072").Split('\n'));
    }

    [Fact]
    public void Info_ShowsTheVersionsNativeFolderAndDevicesOfThisBuild()
    {
        var lines = Info(null).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("0.107.0", PinnedVersion("TorchSharp"));
        Assert.Contains("torchsharp 0.107.0", lines);
        // The CPU natives package is LibTorch 2.10.0; torch.__version__ says so at run time.
        Assert.Equal("2.10.0", PinnedVersion("libtorch-cpu-linux-x64"));
        Assert.Single(lines, l => Regex.IsMatch(l, @"^libtorch   2\.10\.0(\.\d+)?$"));
        // TorchRuntime loads the natives the build copied next to the CLI.
        var natives = Path.Combine(Path.GetDirectoryName(CliProcess.Path())!, "runtimes", "linux-x64", "native");
        Assert.True(File.Exists(Path.Combine(natives, "libtorch.so")), $"{natives} lacks libtorch.so");
        Assert.Contains($"natives    {natives}", lines);
        // This machine runs the CPU build (the default TorchBackend): no CUDA device.
        Assert.Contains("devices    cpu; cuda not available", lines);
        Assert.Matches(@"^runtime    \.NET 10\.", lines[^1]);
    }
}
