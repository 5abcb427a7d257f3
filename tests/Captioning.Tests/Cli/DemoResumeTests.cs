using System.Diagnostics;
using Captioning.Tests.Data;
using Xunit;

namespace Captioning.Tests.Cli;

/// <summary>The demo killed (SIGKILL) while it trains, then rerun: it resumes and ends where an uninterrupted demo ends.</summary>
[Trait("Category", "Slow")]
public class DemoResumeTests
{
    private static string[] Demo(string dir) =>
        ["demo", "--dir", dir, "--images", "120", "--epochs", "4", "--cnn-epochs", "2", "--threads", "1"];

    [Fact]
    public void Demo_KilledWhileTraining_ResumesToTheUninterruptedResult()
    {
        using var temp = new TempFolder();
        var whole = Path.Combine(temp.Path, "whole");
        var (code, reference, stderr) = CliProcess.Run(Demo(whole));
        Assert.True(code == 0, stderr + reference);

        var killed = Path.Combine(temp.Path, "killed");
        // The second architecture's run: by then the data, the features and the first model are finished.
        var run = Path.Combine(killed, "runs", "init-inject");
        using (var process = CliProcess.Start(Demo(killed)))
        {
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            var metrics = Path.Combine(run, "metrics.jsonl");
            var clock = Stopwatch.StartNew();
            while (!(File.Exists(metrics) && File.ReadAllLines(metrics).Length >= 1 && File.Exists(Path.Combine(run, "checkpoints", "last.safetensors"))))
            {
                Assert.False(process.HasExited, "the demo finished before it could be killed mid-training");
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(4), "the demo never finished an init-inject epoch");
                Thread.Sleep(5);
            }
            process.Kill(entireProcessTree: true); // SIGKILL: no chance to clean up
            process.WaitForExit();
        }
        Assert.False(File.Exists(Path.Combine(run, "finished.json")));
        Assert.True(File.Exists(Path.Combine(killed, "runs", "merge", "finished.json")));
        var mergeCheckpoint = File.ReadAllBytes(Path.Combine(killed, "runs", "merge", "checkpoints", "best.safetensors"));

        var (again, resumed, stderr2) = CliProcess.Run(Demo(killed));
        Assert.True(again == 0, stderr2 + resumed);
        var training = File.ReadAllText(Path.Combine(killed, "report", "03-merge-vs-inject.ipynb"));
        Assert.Contains("merge: already finished", training);
        Assert.Contains("init-inject: resumed after epoch", training);
        // Finished work was kept as it was, and every model ends exactly where the uninterrupted demo's did.
        Assert.Equal(mergeCheckpoint, File.ReadAllBytes(Path.Combine(killed, "runs", "merge", "checkpoints", "best.safetensors")));
        foreach (var name in new[] { "merge", "init-inject", "pre-inject", "par-inject" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "runs", name, "checkpoints", "last.safetensors")),
                File.ReadAllBytes(Path.Combine(killed, "runs", name, "checkpoints", "last.safetensors")));
        Assert.Equal(Table(reference), Table(resumed));
    }

    [Fact]
    public void Demo_CtrlC_StopsAfterTheRunningCellAndSaysHowToContinue()
    {
        using var temp = new TempFolder();
        var dir = Path.Combine(temp.Path, "interrupted");
        using var process = CliProcess.StartInterruptible(Demo(dir));
        var stderr = new System.Text.StringBuilder();
        using var inNotebook = new ManualResetEventSlim();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            if (e.Data.StartsWith("[demo 2/", StringComparison.Ordinal)) inNotebook.Set();
        };
        process.BeginErrorReadLine();
        _ = process.StandardOutput.ReadToEndAsync();
        Assert.True(inNotebook.Wait(TimeSpan.FromMinutes(2)), "the demo never reached its first notebook");
        CliProcess.Interrupt(process);
        Assert.True(process.WaitForExit(120_000), "the demo did not stop within 2 minutes of Ctrl-C");
        process.WaitForExit(); // drains the stderr events

        var text = stderr.ToString();
        Assert.Equal(130, process.ExitCode);
        Assert.Contains("stopping after the running cell ends; finished cells, epochs and stages are kept (Ctrl-C again to abort at once)...", text);
        Assert.Contains("interrupted; finished work is kept, rerun the same command to resume", text);
        Assert.DoesNotContain("[demo 3/", text); // notebook 02 never started
        Assert.True(File.Exists(Path.Combine(dir, "data", "Flickr8k_text", "Flickr8k.token.txt")), "stage 1's dataset was not kept");
    }

    // The closing score table: its title line, header and the six model and baseline rows.
    private static IEnumerable<string> Table(string stdout) =>
        stdout.Split('\n').SkipWhile(l => !l.StartsWith("test split", StringComparison.Ordinal)).Take(8).ToList();
}
