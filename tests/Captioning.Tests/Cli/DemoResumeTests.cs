using Captioning.Features;
using Captioning.Tests.Data;
using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Cli;

/// <summary>The demo killed (SIGKILL) while it trains, then rerun: it resumes and ends where an uninterrupted demo ends.</summary>
[Trait("Category", "Slow")]
public class DemoResumeTests
{
    private static string[] Demo(string dir) =>
        ["demo", "--dir", dir, "--images", "120", "--epochs", "4", "--encoder", "small-cnn", "--cnn-epochs", "2", "--threads", "1"];

    [Fact]
    public void Demo_KilledWhileTraining_ResumesToTheUninterruptedResult()
    {
        using var temp = new TempFolder();
        var whole = Path.Combine(temp.Path, "whole");
        var (code, reference, stderr) = CliProcess.Run(Demo(whole));
        Assert.True(code == 0, stderr + reference);

        // The same settings on the same data: the killed demo trains the same experiment, under the same key.
        var key = Experiment.Current(new WorkbookFolders(whole)).Key;
        string Run(string dir, string name) => Path.Combine(dir, "runs", key, name + "-seed1");
        var killed = Path.Combine(temp.Path, "killed");
        // Held in the second architecture's run once its first epoch is saved (by then the data, the features and
        // the first model are finished), and killed there.
        var run = Run(killed, "init-inject");
        using (var process = HeldProcess.StartAndWait(TestHold.EpochSaved(run, 1), Demo(killed)))
            Assert.Equal(137, process.Kill()); // SIGKILL: no chance to clean up
        Assert.False(File.Exists(Path.Combine(run, "finished.json")));
        Assert.True(File.Exists(Path.Combine(Run(killed, "merge"), "finished.json")));
        var mergeCheckpoint = File.ReadAllBytes(Path.Combine(Run(killed, "merge"), "checkpoints", "best.safetensors"));

        var (again, resumed, stderr2) = CliProcess.Run(Demo(killed));
        Assert.True(again == 0, stderr2 + resumed);
        var training = File.ReadAllText(Path.Combine(killed, "report", "03-merge-vs-inject.ipynb"));
        Assert.Contains("merge seed 1: already finished", training);
        Assert.Contains("init-inject seed 1: resumed after epoch 1;", training);
        // Finished work was kept as it was, and every model ends exactly where the uninterrupted demo's did.
        Assert.Equal(mergeCheckpoint, File.ReadAllBytes(Path.Combine(Run(killed, "merge"), "checkpoints", "best.safetensors")));
        foreach (var name in new[] { "merge", "init-inject", "pre-inject", "par-inject" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(Run(whole, name), "checkpoints", "last.safetensors")),
                File.ReadAllBytes(Path.Combine(Run(killed, name), "checkpoints", "last.safetensors")));
        Assert.Equal(Table(reference), Table(resumed));
    }

    [Fact]
    public void Demo_CtrlC_StopsTheRunningCellAtItsNextBatchAndKeepsWhatItSaved()
    {
        using var temp = new TempFolder();
        var dir = Path.Combine(temp.Path, "interrupted");
        var folders = new WorkbookFolders(dir);
        var store = folders.FeatureStore(EncoderNames.SmallCnn);
        var batch = new ExtractOptions().BatchSize;
        // Ctrl-C arrives in notebook 02's extraction cell, held once its first batch is saved.
        using var process = HeldProcess.StartAndWait(TestHold.ExtractionSaved(store, batch, 120), Demo(dir));
        process.Interrupt();
        var (code, stdout, stderr) = process.Finish();

        Assert.Equal(130, code);
        Assert.Contains("stopping the running cell at its next safe point (between batches or images); finished cells, epochs and stages are kept (Ctrl-C again to abort at once)...", stderr);
        Assert.Contains("interrupted; finished work is kept, rerun the same command to resume", stderr);
        // The cell stopped at the next batch (the store is not complete), keeping the saved batch for a rerun, and nothing after it ran.
        Assert.Contains("[demo 3/", stderr);
        Assert.DoesNotContain($"wrote '{store}'", stdout);
        Assert.False(File.Exists(store), "the running extraction cell ran to the end instead of stopping");
        Assert.True(File.Exists(FeatureStoreWriter.PartialPath(store)), "the saved batch was not kept");
        Assert.Contains("the cell was cancelled (Ctrl-C); the work it finished is kept", File.ReadAllText(Path.Combine(folders.Report, "02-feature-extraction.ipynb")));
        Assert.DoesNotContain("[demo 4/", stderr);
        Assert.False(Directory.Exists(folders.Runs), "notebook 03 started training");
        Assert.True(File.Exists(Path.Combine(dir, "data", "Flickr8k_text", "Flickr8k.token.txt")), "stage 1's dataset was not kept");
    }

    // The closing score table: its title line, header and the six model and baseline rows.
    private static IEnumerable<string> Table(string stdout) =>
        stdout.Split('\n').SkipWhile(l => !l.StartsWith("test split", StringComparison.Ordinal)).Take(8).ToList();
}
