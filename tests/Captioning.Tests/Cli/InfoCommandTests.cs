using System.Diagnostics;
using Xunit;

namespace Captioning.Tests.Cli;

/// <summary>`caption info` in a child process whose environment the test controls.</summary>
public sealed class InfoCommandTests
{
    private static string Info(string? waitPolicy)
    {
        var start = new ProcessStartInfo(CliProcess.Path(), "info") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("OMP_WAIT_POLICY");
        if (waitPolicy != null) start.Environment["OMP_WAIT_POLICY"] = waitPolicy;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "caption info did not finish within a minute");
        Assert.True(process.ExitCode == 0, stderr.Result);
        return stdout.Result;
    }

    [Fact]
    public void Info_ShowsThePassiveOpenMpWaitTheWorkbookSets()
    {
        var text = Info(null);
        Assert.Matches(@"(?m)^threads    \d+ \(cores: \d+\); OpenMP wait policy PASSIVE \(set by the workbook; OMP_WAIT_POLICY overrides\)$", text);
        Assert.Matches(@"(?m)^libtorch   \d+\.\d+\.\d+", text);
    }

    [Fact]
    public void Info_KeepsTheUsersOpenMpWaitPolicy()
    {
        Assert.Contains("; OpenMP wait policy ACTIVE (from the environment)", Info("ACTIVE"));
    }
}
