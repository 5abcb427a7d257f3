using System.Text;
using System.Text.Json.Nodes;
using Captioning.Data;
using Captioning.Evaluation;
using Captioning.Inference;
using Captioning.Tests.Training;
using Captioning.Tests.Workbook;
using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Cli;

/// <summary>
/// Damaged, hash-less and half-written run folders through the `caption` command: refused with exit 1 and the file
/// named, loaded with a warning, or resumed to the same bytes as an uninterrupted run (docs/checkpoints.md).
/// </summary>
[Trait("Category", "Slow")]
[Collection(TrainedRunsCollection.Name)]
public sealed class DamagedCheckpointTests(TrainedRunsFixture fixture) : NativeLeakGuard
{
    // A private copy of a shared two-epoch run, free to damage.
    private string CopyOfRun(bool unfinished = false)
    {
        var copy = fixture.Pipeline.NewFolder("damaged");
        TrainedRunsFixture.CopyRun(fixture.Shared(2), copy);
        if (unfinished) File.Delete(Path.Combine(copy, "finished.json")); // as a killed run leaves it
        return copy;
    }

    private static string[] Evaluate(string run) => ["evaluate", "--run", run, "--split", "test", "--bootstrap", "0", "--json", "--threads", "1"];

    private static string Best(string run) => Path.Combine(run, "checkpoints", "best.safetensors");

    private static string Last(string run) => Path.Combine(run, "checkpoints", "last.safetensors");

    // The header's metadata, read as raw JSON (not through the product's reader).
    private static JsonObject Metadata(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, (int)CheckpointDamage.DataStart(path) - 8))!["__metadata__"]!.AsObject();
    }

    [Fact]
    public void Evaluate_BestWithSixtyFourFlippedDataBytes_IsRefused()
    {
        var run = CopyOfRun();
        CheckpointDamage.FlipData(Best(run));
        var (code, stdout, stderr) = CliRunner.Run(Evaluate(run));
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains($"'{Best(run)}' is damaged: its tensor data does not match the SHA-256 recorded when it was written; "
            + $"last.safetensors is intact, restore '{Best(run)}' from a copy of this run, or retrain with `caption train ... --force`", stderr);
    }

    [Fact]
    public void Evaluate_HashlessBest_WarnsOnceAndScoresAsTheSealedOne()
    {
        var run = CopyOfRun();
        var sealedResult = CliProcess.Run(Evaluate(run));
        Assert.True(sealedResult.Code == 0, sealedResult.Stderr);
        Assert.DoesNotContain("warning", sealedResult.Stderr);
        CheckpointDamage.StripSeal(Best(run));
        var (code, stdout, stderr) = CliProcess.Run(Evaluate(run));
        Assert.True(code == 0, stderr);
        Assert.Equal(sealedResult.Stdout, stdout);
        var warning = $"warning: '{Best(run)}' has no SHA-256 in its metadata (written by an earlier release); it is loaded unverified";
        Assert.Single(stderr.Split('\n'), line => line == warning);
    }

    [Fact]
    public void Resume_DamagedLastCheckpoint_IsRefusedWithoutFallingBack()
    {
        var run = CopyOfRun(unfinished: true);
        CheckpointDamage.FlipData(Last(run));
        var (code, _, stderr) = CliRunner.Run(fixture.TrainArgs(run, 3, "--resume"));
        Assert.Equal(1, code);
        Assert.Contains($"'{Last(run)}' is damaged: its tensor data does not match", stderr);
        Assert.Contains("best.safetensors is intact, but training does not resume from another checkpoint", stderr);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Length);
        Assert.False(File.Exists(Path.Combine(run, "finished.json")));
    }

    [Fact]
    public void Notebook_EvaluatingADamagedBest_IsRefused()
    {
        var folders = EvaluationCacheTests.Work(fixture);
        var best = folders.Run("merge").BestCheckpointPath;
        CheckpointDamage.FlipData(best);
        var e = Assert.Throws<CaptioningException>(() =>
            EvaluationCache.EvaluateOrLoad(folders, "merge", Split.Test, new DecodeOptions(BeamSize: 1), BootstrapOptions.None, _ => { }));
        Assert.StartsWith($"'{best}' is damaged: its tensor data does not match the SHA-256 recorded when it was written; last.safetensors is intact", e.Message);
    }

    [Fact]
    public void Extract_WithDamagedSmallCnnWeights_IsRefused()
    {
        var weights = fixture.Pipeline.NewFolder("cnn") + ".safetensors";
        File.Copy(fixture.Pipeline.Weights, weights);
        CheckpointDamage.FlipData(weights);
        var output = fixture.Pipeline.NewFolder("features") + ".feat";
        var (code, _, stderr) = CliRunner.Run("extract", "--data", fixture.Pipeline.Data, "--encoder", "small-cnn", "--weights", weights, "--out", output, "--threads", "1");
        Assert.Equal(1, code);
        Assert.Contains($"'{weights}' is damaged: its tensor data does not match", stderr);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Train_KilledBetweenCheckpointAndMetrics_ResumesToTheUninterruptedRun()
    {
        var reference = fixture.Shared(4);
        var killed = fixture.Pipeline.NewFolder("killed");
        using (var process = HeldProcess.StartAndWait(TestHold.CheckpointSaved(killed, 2), fixture.TrainArgs(killed, 4)))
            Assert.Equal(137, process.Kill()); // SIGKILL with epoch 2's checkpoint on disk and its metrics line not yet written

        // The folder never claims more than is on disk: metrics stop at epoch 1, the checkpoint holds epoch 2.
        Assert.Equal("2", Metadata(Last(killed))["epoch"]!.GetValue<string>());
        var metricsBefore = File.ReadAllLines(Path.Combine(killed, "metrics.jsonl"));
        Assert.Equal(1, JsonNode.Parse(Assert.Single(metricsBefore))!["Epoch"]!.GetValue<int>());
        Assert.Equal(2, File.ReadAllLines(Path.Combine(killed, "metrics.csv")).Length);

        var (code, stdout, stderr) = CliRunner.Run(fixture.TrainArgs(killed, 4, "--resume"));
        Assert.True(code == 0, stderr);
        Assert.Contains("completed: 4 epochs", stdout);
        Assert.Contains("resumed after epoch 2\n", File.ReadAllText(Path.Combine(killed, "train.log")));
        Assert.Equal(File.ReadAllBytes(Last(reference)), File.ReadAllBytes(Last(killed)));
        Assert.Equal(File.ReadAllBytes(Best(reference)), File.ReadAllBytes(Best(killed)));
        // Epoch 2's line comes back from the checkpoint: the same losses as the uninterrupted run's.
        static string[] Losses(string run) => File.ReadAllLines(Path.Combine(run, "metrics.csv")).Select(l => string.Join(',', l.Split(',').Take(4))).ToArray();
        Assert.Equal(Losses(reference), Losses(killed));
    }
}
