using System.Diagnostics;
using System.Text;
using Xunit;

namespace Captioning.Tests.Cli;

/// <summary>
/// A `caption` process that stops at one durable point (<see cref="TestHold"/>) until the test has killed
/// or interrupted it there, so however fast the work runs, it cannot finish first. The timeouts are hang
/// guards only: nothing waits for time to pass.
/// </summary>
internal sealed class HeldProcess : IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(5);
    private readonly string hold;
    private readonly StringBuilder stdout = new();
    private readonly StringBuilder stderr = new();
    private readonly object gate = new();

    private HeldProcess(string point, string[] args)
    {
        Point = point;
        hold = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "captioning-hold-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(hold, point);
        // Through env --default-signal=INT for the same reason as CliProcess.StartInterruptible: SIGINT must reach the CLI.
        var start = new ProcessStartInfo("/usr/bin/env") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment[TestHold.Variable] = hold;
        foreach (var arg in new[] { "--default-signal=INT", CliProcess.Path() }.Concat(args)) start.ArgumentList.Add(arg);
        Process = Process.Start(start)!;
        Process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        Process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    /// <summary>The point the process holds at.</summary>
    public string Point { get; }

    public Process Process { get; }

    /// <summary>Starts `caption <paramref name="args"/>` to hold at <paramref name="point"/>, and waits until it is held there.</summary>
    internal static HeldProcess StartAndWait(string point, params string[] args)
    {
        var held = new HeldProcess(point, args);
        try
        {
            held.WaitUntilHeld();
            return held;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>SIGKILL while held: the process gets no chance to clean up. Returns its exit code.</summary>
    internal int Kill()
    {
        Process.Kill(entireProcessTree: true);
        Process.WaitForExit();
        return Process.ExitCode;
    }

    /// <summary>
    /// Ctrl-C while held: sends SIGINT, waits until the CLI says it is stopping (its cancellation is
    /// requested by then), then lets it go on, so it sees the request at the held point.
    /// </summary>
    internal void Interrupt()
    {
        CliProcess.Interrupt(Process);
        WaitFor(() => stderr.ToString().Contains("(Ctrl-C again to abort at once)", StringComparison.Ordinal), "to say it is stopping after SIGINT");
        File.Delete(hold);
    }

    /// <summary>Waits for the process to end; returns its exit code and output.</summary>
    internal (int Code, string Stdout, string Stderr) Finish()
    {
        Assert.True(Process.WaitForExit(HangGuard), $"caption did not end within {HangGuard.TotalMinutes} minutes");
        Process.WaitForExit(); // drains the output events
        lock (gate) return (Process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
        File.Delete(hold);
        File.Delete(hold + TestHold.MarkerSuffix);
    }

    private void WaitUntilHeld()
    {
        var marker = hold + TestHold.MarkerSuffix;
        WaitFor(() => File.Exists(marker), $"to hold at '{Point}'");
        Assert.Equal($"held at {Point}\n", File.ReadAllText(marker));
    }

    // Re-checks on every output line and at least every 50 ms (for files), until the condition holds;
    // fails at once if the process ends first, and after the hang guard.
    private void WaitFor(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        lock (gate)
        {
            while (!condition())
            {
                if (Process.HasExited)
                    Assert.Fail($"caption exited with code {Process.ExitCode} before it came {what}:\n{stderr}");
                Assert.True(clock.Elapsed < HangGuard, $"caption never came {what} (hang guard {HangGuard.TotalMinutes} minutes):\n{stderr}");
                Monitor.Wait(gate, TimeSpan.FromMilliseconds(50));
            }
        }
    }

    private void Append(StringBuilder to, string? line)
    {
        if (line == null) return;
        lock (gate)
        {
            to.AppendLine(line);
            Monitor.PulseAll(gate);
        }
    }
}
