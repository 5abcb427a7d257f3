using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Captioning.Data;
using Captioning.Features;
using Captioning.Tests.Data;
using Captioning.Training;
using Xunit;

namespace Captioning.Tests.Cli;

/// <summary>A tiny synthetic dataset with small-cnn features, made once for the train/evaluate CLI tests.</summary>
public sealed class PipelineFixture : IDisposable
{
    private readonly TempFolder folder = new();

    public PipelineFixture()
    {
        Data = System.IO.Path.Combine(folder.Path, "synth");
        SyntheticDataset.Generate(Data, 64, seed: 5, sizePx: 64, threads: 1);
        var dataset = DatasetPreparer.Load(Data, null, new PrepareOptions());
        // An untrained small CNN keeps the fixture fast; training on its features still works, and the
        // store format, lookups and CLI plumbing are what these tests check.
        var weights = Weights = System.IO.Path.Combine(folder.Path, "cnn.safetensors");
        TorchRuntime.ManualSeed(7);
        var network = new SmallCnn([16, 32, 64, 64], 64, 2);
        using (SmallCnnEncoder.SaveAndWrap(network, new Concepts(["red", "blue"]), 64, DatasetFingerprint.Of(dataset), "untrained", weights)) { }
        Features = System.IO.Path.Combine(folder.Path, "small.feat");
        var (code, _, stderr) = CliProcess.Run("extract", "--data", Data, "--encoder", "small-cnn", "--weights", weights, "--out", Features, "--threads", "1");
        Assert.True(code == 0, stderr);
    }

    public string Data { get; }

    public string Features { get; }

    /// <summary>The small CNN the features were extracted with.</summary>
    public string Weights { get; }

    public string NewFolder(string name) => System.IO.Path.Combine(folder.Path, name + "-" + Guid.NewGuid().ToString("N")[..6]);

    public void Dispose() => folder.Dispose();
}

[Trait("Category", "Slow")]
public sealed class TrainEvaluateCommandTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private string[] Train(string output, string model = "merge", int epochs = 3, params string[] extra) =>
        ["train", "--data", fixture.Data, "--features", fixture.Features, "--preset", "demo", "--model", model, "--epochs", epochs.ToString(),
         "--batch", "16", "--threads", "1", "--out", output, .. extra];

    [Fact]
    public void TrainThenEvaluate_WritesRunFolderAndScoresModelAndBaselines()
    {
        var run = fixture.NewFolder("run");
        var (code, stdout, stderr) = CliProcess.Run(Train(run, "par-inject", 3, "--validate-every", "2", "--device", "cpu"));
        Assert.True(code == 0, stderr);
        Assert.Matches(@"(?m)^par-inject: [0-9,]+ parameters, .*, 1 thread\(s\), device cpu$", stderr);
        // Greedy dev BLEU-4/CIDEr-D were scored at epoch 2 only.
        var csv = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        Assert.Equal("epoch,train_loss,val_loss,lr,tokens_per_s,seconds,best,val_bleu4,val_cider", csv[0]);
        Assert.EndsWith(",,", csv[1]);
        Assert.Matches(@",[0-9.E-]+,[0-9.E-]+$", csv[2]);
        Assert.Contains("val_bleu4", stderr);
        // The bar starts counting at its first line, so that line has no rate yet (not the step just done over ~0 s).
        var firstProgress = stderr.Split('\n').First(l => l.StartsWith("train ", StringComparison.Ordinal));
        Assert.Matches(@"^train \d+/\d+ \([0-9.]+%\)  0\.00 steps/s  ETA \?  epoch 1/3", firstProgress);
        Assert.Contains("completed: 3 epochs, best epoch", stdout);
        foreach (var file in new[] { "config.json", "vocabulary.json", "metrics.csv", "metrics.jsonl", "train.log", "finished.json",
                     "checkpoints/best.safetensors", "checkpoints/best.json", "checkpoints/last.safetensors" })
            Assert.True(File.Exists(Path.Combine(run, file)), $"run folder lacks {file}");
        Assert.Equal(4, File.ReadAllLines(Path.Combine(run, "metrics.csv")).Length);

        (code, stdout, stderr) = CliProcess.Run("evaluate", "--run", run, "--split", "test", "--beam", "2", "--bootstrap", "50", "--json", "--threads", "1", "--device", "cpu");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        var images = root.GetProperty("images").GetInt32();
        Assert.Equal(8, images); // 64 images split 6:1:1
        // The model's scores and intervals are exactly what `caption score` makes of the predictions file evaluate
        // wrote (evaluate's default bootstrap seed is 1234); the baselines write no file, so they are only bounded.
        ScoreOracle.AssertEqualsScoreOf(fixture.Data, Split.Test, root.GetProperty("predictions").GetString()!, root, bootstrap: 50, seed: 1234);
        foreach (var part in new[] { root.GetProperty("baselines").GetProperty("most-frequent"), root.GetProperty("baselines").GetProperty("nearest-neighbour") })
        {
            foreach (var key in new[] { "Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr" })
                Assert.InRange(part.GetProperty("coco").GetProperty(key).GetDouble(), 0, 10);
            Assert.InRange(part.GetProperty("nltk").GetProperty("BLEU-4").GetDouble(), 0, 1);
        }
        Assert.True(root.GetProperty("intervals").GetProperty("coco").GetProperty("Bleu_4").GetProperty("lower").GetDouble() <=
                    root.GetProperty("coco").GetProperty("Bleu_4").GetDouble() + 1e-12);
        var predictions = File.ReadAllLines(Path.Combine(run, "predictions", "test-beam2.tsv"));
        Assert.Equal(images, predictions.Length);
        Assert.All(predictions, line => Assert.Contains('\t', line));
        Assert.True(File.Exists(Path.Combine(run, "predictions", "test-beam2.json")));
    }

    [Fact]
    public void Describe_CaptionsPhotosWithTheRunsEncoder_AndRefusesOtherWeights()
    {
        var run = fixture.NewFolder("describe");
        Assert.Equal(0, CliProcess.Run(Train(run, "pre-inject", 2)).Code);
        var photos = Directory.GetFiles(Path.Combine(fixture.Data, "Flickr8k_Dataset")).Order(StringComparer.Ordinal).Take(2).ToArray();

        var (code, stdout, stderr) = CliProcess.Run(["describe", "--run", run, "--weights", fixture.Weights, "--json", "--beam", "2", "--threads", "1", "--device", "cpu", .. photos]);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var captions = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(photos, captions.Select(c => c.GetProperty("image").GetString()));
        // Each photo gets the caption evaluate gives it from the store. The store is float16 and describe encodes in
        // float32; so small a difference changes a word only at a near-tie between two words, which these seeds do not meet.
        var images = DatasetPreparer.Load(fixture.Data, null, new PrepareOptions()).Images.ToDictionary(i => i.Path);
        var evaluated = new Dictionary<string, string>();
        foreach (var split in photos.Select(p => images[p].Split).Distinct())
        {
            var name = split.ToString().ToLowerInvariant();
            (code, _, stderr) = CliProcess.Run("evaluate", "--run", run, "--split", name, "--beam", "2", "--bootstrap", "0", "--json", "--threads", "1");
            Assert.True(code == 0, stderr);
            foreach (var line in File.ReadAllLines(Path.Combine(run, "predictions", $"{name}-beam2.tsv"))) evaluated[line.Split('\t')[0]] = line.Split('\t')[1];
        }
        Assert.Equal(photos.Select(p => evaluated[images[p].Id]), captions.Select(c => c.GetProperty("caption").GetString()));
        Assert.All(captions, c => Assert.True(c.GetProperty("log_probability").GetDouble() < 0));

        // The plain form: one "path<TAB>caption" line per photo, the same captions.
        (code, stdout, stderr) = CliProcess.Run(["describe", "--run", run, "--weights", fixture.Weights, "--beam", "2", "--threads", "1", .. photos]);
        Assert.True(code == 0, stderr);
        Assert.Equal(captions.Select(c => $"{c.GetProperty("image").GetString()}\t{c.GetProperty("caption").GetString()}"),
            stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // A small CNN with other weights would describe other features than the model learned from.
        var other = Path.Combine(Path.GetDirectoryName(run)!, Path.GetFileName(run) + "-other.safetensors");
        TorchRuntime.ManualSeed(8);
        var dataset = DatasetPreparer.Load(fixture.Data, null, new PrepareOptions());
        using (SmallCnnEncoder.SaveAndWrap(new SmallCnn([16, 32, 64, 64], 64, 2), new Concepts(["red", "blue"]), 64, DatasetFingerprint.Of(dataset), "untrained", other)) { }
        (code, _, stderr) = CliProcess.Run(["describe", "--run", run, "--weights", other, "--threads", "1", photos[0]]);
        Assert.Equal(1, code);
        Assert.Matches($@"^error: encoder weights '{System.Text.RegularExpressions.Regex.Escape(other)}' \(hash [0-9a-f]+\) are not the ones run '.*' was trained on \(hash [0-9a-f]+\)", stderr);
    }

    [Fact]
    public void Train_RefusesAFinishedRunUnlessForced()
    {
        var run = fixture.NewFolder("finished");
        Assert.Equal(0, CliProcess.Run(Train(run, epochs: 1)).Code);
        var (code, _, stderr) = CliProcess.Run(Train(run, epochs: 1));
        Assert.Equal(1, code);
        Assert.Contains("already holds a finished run; choose another --out, or pass --force", stderr);
        Assert.Equal(0, CliProcess.Run(Train(run, "merge", 1, "--force")).Code);
    }

    [Fact]
    public void Train_UnknownNamesAndMismatchedResumeAreUserErrors()
    {
        var (code, _, stderr) = CliProcess.Run(Train(fixture.NewFolder("x"), "attention"));
        Assert.Equal(1, code);
        Assert.Contains("unknown model 'attention'; valid models: merge, init-inject, pre-inject, par-inject", stderr);
        (code, _, stderr) = CliProcess.Run(["train", "--data", fixture.Data, "--features", fixture.Features, "--preset", "vinyals", "--out", fixture.NewFolder("y")]);
        Assert.Equal(1, code);
        Assert.Contains("valid presets: brownlee-merge, keras-ic, demo", stderr);
        (code, _, stderr) = CliProcess.Run(["train", "--data", fixture.Data, "--features", "/nonexistent/x.feat", "--out", fixture.NewFolder("z")]);
        Assert.Equal(1, code);
        Assert.Contains("/nonexistent/x.feat", stderr);

        var run = fixture.NewFolder("mismatch");
        Assert.Equal(0, CliProcess.Run(Train(run, epochs: 1)).Code);
        (code, _, stderr) = CliProcess.Run(Train(run, "merge", 2, "--resume", "--min-count", "3"));
        Assert.Equal(1, code);
        Assert.Contains("its vocabulary differs", stderr);
        (code, _, stderr) = CliProcess.Run(Train(run, "merge", 2, "--resume", "--image-dropout", "0.25", "--dropout", "0.4"));
        Assert.Equal(1, code);
        var preset = TrainingPreset.Demo.Model;
        Assert.Contains(FormattableString.Invariant(
            $"it was started as merge with Dropout {preset.Dropout} (now 0.4), ImageDropout {preset.ImageDropout} (now 0.25); keep the original"), stderr);
    }

    [Fact]
    public void Train_DropoutOptions_OverrideThePresetInTheSavedConfig()
    {
        var run = fixture.NewFolder("dropout");
        var (code, _, stderr) = CliProcess.Run(Train(run, "pre-inject", 1, "--dropout", "0.2", "--image-dropout", "0.05"));
        Assert.True(code == 0, stderr);
        var model = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "config.json")))!["model"]!;
        Assert.Equal(0.2, model["Dropout"]!.GetValue<double>());
        Assert.Equal(0.05, model["ImageDropout"]!.GetValue<double>());
        Assert.Equal(TrainingPreset.Demo.Model.Embedding, model["EmbeddingDimension"]!.GetValue<long>());
    }

    [Fact]
    public void Train_KilledThenResumed_EqualsUninterruptedRun()
    {
        var reference = fixture.NewFolder("whole");
        Assert.Equal(0, CliProcess.Run(Train(reference, epochs: 4)).Code);

        // Held once epoch 2's metrics and checkpoints are written, then killed there: however fast training is.
        var killed = fixture.NewFolder("killed");
        using (var process = HeldProcess.StartAndWait(TestHold.EpochSaved(killed, 2), Train(killed, epochs: 4)))
            Assert.Equal(137, process.Kill()); // SIGKILL: no chance to clean up
        Assert.Equal(2, File.ReadAllLines(Path.Combine(killed, "metrics.jsonl")).Length);
        Assert.False(File.Exists(Path.Combine(killed, "finished.json")));
        var (code, stdout, stderr) = CliProcess.Run(Train(killed, "merge", 4, "--resume"));
        Assert.True(code == 0, stderr);
        Assert.Contains("completed: 4 epochs", stdout);
        Assert.Contains("resumed after epoch 2\n", File.ReadAllText(Path.Combine(killed, "train.log")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference, "checkpoints", "last.safetensors")),
            File.ReadAllBytes(Path.Combine(killed, "checkpoints", "last.safetensors")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference, "checkpoints", "best.safetensors")),
            File.ReadAllBytes(Path.Combine(killed, "checkpoints", "best.safetensors")));
    }
}
