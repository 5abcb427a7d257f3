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

    // The closing score table: its title line, header and the six model and baseline rows.
    private static IEnumerable<string> Table(string stdout) =>
        stdout.Split('\n').SkipWhile(l => !l.StartsWith("test split", StringComparison.Ordinal)).Take(8).ToList();
}
