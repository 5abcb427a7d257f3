using System.Text.Json.Nodes;
using Captioning.Data;
using Captioning.Evaluation;
using Captioning.Inference;
using Captioning.Tests.Cli;
using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Workbook;

/// <summary>EvaluationCache hands back a stored evaluation only while it still describes the run's best checkpoint.</summary>
[Trait("Category", "Slow")]
[Collection(TrainedRunsCollection.Name)]
public sealed class EvaluationCacheTests(TrainedRunsFixture fixture) : NativeLeakGuard
{
    private static readonly DecodeOptions Decode = new(BeamSize: 1);

    // A work folder whose "merge" run is a copy of a finished two-epoch run.
    internal static WorkbookFolders Work(TrainedRunsFixture fixture)
    {
        var folders = new WorkbookFolders(fixture.Pipeline.NewFolder("work"));
        Experiment.MakeCurrent(folders, folders.SyntheticData, "0123456789ab", new ExperimentSettings(), ["merge"], [1]);
        TrainedRunsFixture.CopyRun(fixture.Shared(2, "--seed", "3", "--validate-every", "1"), folders.Run("merge").Path);
        return folders;
    }

    private static (EvaluationResult Result, List<string> Log) Load(WorkbookFolders folders)
    {
        var log = new List<string>();
        return (EvaluationCache.EvaluateOrLoad(folders, "merge", Split.Test, Decode, BootstrapOptions.None, log.Add), log);
    }

    private static string CachePath(WorkbookFolders folders) => EvaluationCache.PathOf(folders, "merge", Split.Test, Decode, BootstrapOptions.None);

    // Scores (as `evaluate --json` prints them) and captions: everything a reader of the result sees.
    private static (string Scores, string Captions) Seen(EvaluationResult result) =>
        (RunEvaluator.Json(result with { PredictionsPath = "" }), string.Join('\n', result.Predictions.Select(p => $"{p.Key}\t{p.Value}")));

    [Fact]
    public void EvaluateOrLoad_ReusesTheCacheUntilTheBestCheckpointChanges()
    {
        var folders = Work(fixture);
        var (first, log) = Load(folders);
        Assert.StartsWith("merge: evaluated 8 test images", Assert.Single(log));
        var (reused, log2) = Load(folders);
        Assert.StartsWith("merge: reusing the evaluation", Assert.Single(log2));
        Assert.Equal(Seen(first), Seen(reused));

        // Other weights in best.safetensors (the seed-3 run after one epoch): the stale result must not come back.
        // The files that checkpoint is sealed with come along, or loading it would be refused as a mix of two runs.
        var run = folders.Run("merge");
        var other = fixture.Shared(1, "--seed", "3");
        foreach (var file in new[] { "checkpoints/best.safetensors", "checkpoints/best.json", "config.json", "vocabulary.json" })
            File.Copy(Path.Combine(other, file), Path.Combine(run.Path, file), overwrite: true);
        var (after, log3) = Load(folders);
        Assert.StartsWith("merge: evaluated 8 test images", Assert.Single(log3));
        var fresh = RunEvaluator.Evaluate(run, Split.Test, Decode, BootstrapOptions.None);
        Assert.Equal(Seen(fresh), Seen(after));
        Assert.NotEqual(Seen(first), Seen(after));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("garbage")]
    [InlineData("empty")]
    [InlineData("no result")]
    public void EvaluateOrLoad_RecomputesACorruptCache(string damage)
    {
        var folders = Work(fixture);
        var (first, _) = Load(folders);
        var path = CachePath(folders);
        var text = File.ReadAllText(path);
        switch (damage)
        {
            case "truncated": File.WriteAllText(path, text[..(text.Length / 2)]); break;
            case "garbage": File.WriteAllBytes(path, [0xff, 0x00, 0x7b, 0x22, 0xfe, 0x13]); break;
            case "empty": File.WriteAllText(path, ""); break;
            // Valid JSON with the right key but no result: returning it would hand a null evaluation to the notebook.
            case "no result":
                var node = JsonNode.Parse(text)!.AsObject();
                node["Result"] = null;
                File.WriteAllText(path, node.ToJsonString());
                break;
        }
        Assert.Null(EvaluationCache.TryLoad(folders, "merge", Split.Test, Decode, BootstrapOptions.None));
        var (again, log) = Load(folders);
        Assert.StartsWith("merge: evaluated 8 test images", Assert.Single(log));
        Assert.Equal(Seen(first), Seen(again));
        // The rewritten cache is whole again.
        Assert.NotNull(EvaluationCache.TryLoad(folders, "merge", Split.Test, Decode, BootstrapOptions.None));
    }
}
