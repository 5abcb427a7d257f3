using System.Text.Json.Nodes;
using Captioning.Features;
using Captioning.Tests.Data;
using Captioning.Training;
using Xunit;

namespace Captioning.Tests.Training;

/// <summary>The SHA-256 seal of checkpoints (docs/checkpoints.md, "Checkpoint hashes"): what it records, and every load refusing damage.</summary>
public sealed class CheckpointIntegrityTests : NativeLeakGuard
{
    private readonly TempFolder temp = new();

    public override void Dispose()
    {
        temp.Dispose();
        base.Dispose();
    }

    // A two-epoch toy run whose best epoch is 2, so best.safetensors and last.safetensors are both there.
    private RunFolder TrainToy(int epochs = 2)
    {
        var run = new RunFolder(Path.Combine(temp.Path, "run"));
        var train = TrainerTests.Toy(24);
        var dev = TrainerTests.Toy(6, 24);
        try
        {
            using var model = TrainerTests.Model();
            var options = TrainerTests.Options with { Epochs = epochs };
            if (!run.HasLastCheckpoint) run.Initialise(model.Options, options, new RunInputs("toy", "toy", "none", "toy"), TrainerTests.ToyVocabulary());
            new Trainer().Run(model, train, dev, options, run);
            return run;
        }
        finally
        {
            train.Features.Dispose();
            dev.Features.Dispose();
        }
    }

    [Theory]
    [InlineData("best.safetensors", "", "vocabulary.json checkpoints/best.json")]
    [InlineData("last.safetensors", "model.", "vocabulary.json")]
    public void Seal_RecordsTheHashesAPlainReaderComputes(string checkpoint, string prefix, string bound)
    {
        var run = TrainToy();
        var path = Path.Combine(run.Path, "checkpoints", checkpoint);
        var names = bound.Split(' ');
        var oracle = JsonNode.Parse(PythonOracle.Run([PythonOracle.Script("Training", "checkpoint_seal.py"), path, run.Path, .. names]))!;
        var recorded = oracle["recorded"]!;
        Assert.Equal(oracle["data"]!.GetValue<string>(), recorded["sha256.data"]!.GetValue<string>());
        Assert.Equal(oracle["metadata"]!.GetValue<string>(), recorded["sha256.metadata"]!.GetValue<string>());
        foreach (var name in names) Assert.Equal(oracle["files"]![name]!.GetValue<string>(), recorded["sha256.file:" + name]!.GetValue<string>());
        // config.json is bound as well, without its time and input paths: see Config_IsBoundByWhatTheRunIsNotWhenOrWhere.
        Assert.Equal(names.Length + 1, recorded.AsObject().Count(kv => kv.Key.StartsWith("sha256.file:", StringComparison.Ordinal)));

        // numpy reads the same weights that we load: the seal leaves the file a plain safetensors file.
        using var model = run.LoadModel(best: checkpoint == "best.safetensors");
        foreach (var (name, tensor) in model.state_dict())
            Assert.Equal(oracle["sums"]![prefix + name]!.GetValue<double>(), tensor.data<float>().ToArray().Sum(v => (double)v), 4);
    }

    [Theory]
    [InlineData("data", "'{0}/checkpoints/best.safetensors' is damaged: its tensor data does not match")]
    [InlineData("header value", "'{0}/checkpoints/best.safetensors' is damaged: its header metadata does not match")]
    [InlineData("header json", "safetensors file '{0}/checkpoints/best.safetensors': the JSON header does not start with '{{'")]
    [InlineData("sidecar", "'{0}/checkpoints/best.json' differs from the checkpoints/best.json that '{0}/checkpoints/best.safetensors' was written with")]
    [InlineData("config", "'{0}/config.json' differs from the config.json that '{0}/checkpoints/best.safetensors' was written with")]
    [InlineData("vocabulary", "'{0}/vocabulary.json' differs from the vocabulary.json that '{0}/checkpoints/best.safetensors' was written with")]
    public void LoadModel_RefusesDamageAndNamesTheFileAndTheIntactCheckpoint(string damage, string expected)
    {
        var run = TrainToy();
        switch (damage)
        {
            case "data": CheckpointDamage.FlipData(run.BestCheckpointPath); break;
            case "header value": CheckpointDamage.ChangeHeaderDigit(run.BestCheckpointPath, "val_loss"); break;
            case "header json": CheckpointDamage.BreakHeader(run.BestCheckpointPath); break;
            case "sidecar": CheckpointDamage.Touch(run.BestSidecarPath); break;
            case "config": EditConfig(run, c => c["training"]!["Seed"] = 4); break;
            case "vocabulary": CheckpointDamage.Touch(run.VocabularyPath); break;
        }
        var e = Assert.Throws<CaptioningException>(() => run.LoadModel());
        Assert.StartsWith(string.Format(expected, run.Path), e.Message);
        // last.safetensors is bound to the same config and vocabulary, so it is only offered when it is intact.
        var lastIntact = damage is "data" or "header value" or "header json" or "sidecar";
        Assert.Equal(lastIntact, e.Message.Contains("; last.safetensors is intact, restore", StringComparison.Ordinal));
        Assert.EndsWith("or retrain with `caption train ... --force`", e.Message);
    }

    private static void EditConfig(RunFolder run, Action<JsonNode> edit)
    {
        var config = JsonNode.Parse(File.ReadAllText(run.ConfigPath))!;
        edit(config);
        File.WriteAllText(run.ConfigPath, config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    [Fact]
    public void Config_IsBoundByWhatTheRunIsNotWhenOrWhere()
    {
        var run = TrainToy();
        // Another creation time, other input paths and other layout: the same run (moved with its data, say).
        EditConfig(run, c =>
        {
            c["created"] = "2020-01-01T00:00:00Z";
            c["inputs"]!["Data"] = "/elsewhere/data";
            c["inputs"]!["Features"] = "/elsewhere/features.feat";
        });
        using (var model = run.LoadModel()) Assert.Equal(6, model.Options.FeatureDimension);
        // Other features are another run.
        EditConfig(run, c => c["inputs"]!["FeatureFingerprint"] = "other");
        var e = Assert.Throws<CaptioningException>(() => run.LoadModel());
        Assert.StartsWith($"'{run.ConfigPath}' differs from the config.json that '{run.BestCheckpointPath}' was written with", e.Message);
    }

    [Fact]
    public void Resume_WithADamagedLastCheckpoint_IsRefusedAndTheFolderIsLeftAlone()
    {
        var run = TrainToy();
        File.Delete(run.FinishedPath);
        CheckpointDamage.FlipData(run.LastCheckpointPath);
        var before = File.ReadAllBytes(run.LastCheckpointPath);
        var e = Assert.Throws<CaptioningException>(() => TrainToy(epochs: 3));
        Assert.Equal($"'{run.LastCheckpointPath}' is damaged: its tensor data does not match the SHA-256 recorded when it was written; "
            + $"best.safetensors is intact, but training does not resume from another checkpoint: restore '{run.LastCheckpointPath}' from a copy of this run, "
            + "or start over with `caption train ... --force`", e.Message);
        Assert.Equal(before, File.ReadAllBytes(run.LastCheckpointPath));
        Assert.Equal([1, 2], run.ReadMetrics().Select(m => m.Epoch));
        Assert.DoesNotContain("resumed", File.ReadAllText(run.LogPath));
    }

    [Fact]
    public void HashlessCheckpoint_FromAnEarlierRelease_LoadsTheSameWeights()
    {
        var run = TrainToy();
        float[] Weights() { using var m = run.LoadModel(); return m.state_dict().SelectMany(kv => kv.Value.data<float>().ToArray()).ToArray(); }
        var sealedWeights = Weights();
        CheckpointDamage.StripSeal(run.BestCheckpointPath);
        Assert.DoesNotContain("sha256.", File.ReadAllText(run.BestCheckpointPath));
        Assert.Equal(sealedWeights, Weights());
    }

    [Fact]
    public void SmallCnnWeights_WithFlippedData_AreRefused()
    {
        var path = Path.Combine(temp.Path, "cnn.safetensors");
        TorchRuntime.ManualSeed(7);
        using (SmallCnnEncoder.SaveAndWrap(new SmallCnn([8, 8, 8, 8], 16, 2), new Concepts(["red", "blue"]), 32, "toy", "untrained", path)) { }
        using (var intact = SmallCnnEncoder.Load(path)) Assert.Equal(2, intact.Concepts.Count);
        CheckpointDamage.FlipData(path);
        var e = Assert.Throws<CaptioningException>(() => SmallCnnEncoder.Load(path));
        Assert.StartsWith($"'{path}' is damaged: its tensor data does not match the SHA-256 recorded when it was written; extract the features again", e.Message);
    }
}
