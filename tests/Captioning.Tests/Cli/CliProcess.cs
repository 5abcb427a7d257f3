using System.Diagnostics;
using Xunit;

namespace Captioning.Tests.Cli;

/// <summary>Runs the built `caption` executable as a child process, as a user would.</summary>
internal static class CliProcess
{
    internal static string Path()
    {
        var cli = System.IO.Path.Combine(RepoPaths.Root(), "lib", "Captioning.Cli", "bin", "Release", "net10.0", "caption");
        Assert.True(File.Exists(cli), $"build the CLI first: {cli} is missing");
        return cli;
    }

    internal static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo(Path()) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return Process.Start(start)!;
    }

    /// <summary>
    /// Starts the CLI so that a SIGINT reaches it as Ctrl-C would. A shell without job control (CI runners,
    /// `nohup ... &amp;`) starts background jobs with SIGINT ignored, and children inherit the ignored
    /// disposition; `env --default-signal=INT` restores the default before the CLI starts (same process id).
    /// </summary>
    internal static Process StartInterruptible(params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/env") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add(Path());
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return Process.Start(start)!;
    }

    /// <summary>Sends SIGINT (what Ctrl-C sends) to <paramref name="process"/>.</summary>
    internal static void Interrupt(Process process)
    {
        using var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    /// <summary>Runs to completion (at most 5 minutes) and returns the exit code, stdout and stderr.</summary>
    internal static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(300_000), $"caption {string.Join(' ', args)} did not finish within 5 minutes");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
