using Captioning.Data;
using Captioning.Features;
using Captioning.Tests.Data;
using Captioning.Training;
using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Workbook;

/// <summary>A tiny synthetic dataset and its small-cnn store, made once through <see cref="WorkbookFeatures"/>.</summary>
public sealed class WorkbookTrainingFixture : IDisposable
{
    private readonly TempFolder temp = new();

    public WorkbookTrainingFixture()
    {
        Folders = new WorkbookFolders(Path.Combine(temp.Path, "shared"));
        Data = WorkbookData.Ensure(Folders, "", 64);
        Dataset = WorkbookData.Load(Folders, "");
        First = WorkbookFeatures.ExtractOrReuse(Dataset, Folders, "small-cnn", smallCnn: new SmallCnnOptions() with { Epochs = 1 });
        Second = WorkbookFeatures.ExtractOrReuse(Dataset, Folders, "small-cnn", smallCnn: new SmallCnnOptions() with { Epochs = 1 }, log: Log.Add);
    }

    public WorkbookFolders Folders { get; }

    public string Data { get; }

    public CaptionDataset Dataset { get; }

    public ExtractResult First { get; }

    public ExtractResult Second { get; }

    public List<string> Log { get; } = [];

    /// <summary>A fresh work folder holding a copy of the shared feature store (and its small CNN).</summary>
    public WorkbookFolders CopyWork(string name)
    {
        var folders = new WorkbookFolders(Path.Combine(temp.Path, name + "-" + Guid.NewGuid().ToString("N")[..6]));
        Directory.CreateDirectory(folders.Root);
        var store = Folders.FeatureStore("small-cnn");
        File.Copy(store, folders.FeatureStore("small-cnn"));
        File.Copy(SmallCnnEncoder.WeightsPathBeside(store), SmallCnnEncoder.WeightsPathBeside(folders.FeatureStore("small-cnn")));
        return folders;
    }

    public void Dispose() => temp.Dispose();
}

[Trait("Category", "Slow")]
public class WorkbookTrainingTests(WorkbookTrainingFixture fixture) : NativeLeakGuard, IClassFixture<WorkbookTrainingFixture>
{
    // The demo's settings on small-cnn features, trained for one or two epochs.
    private static ExperimentSettings Settings(int epochs) => new ExperimentSettings() with { Epochs = epochs };

    private Experiment Open(WorkbookFolders work, ExperimentSettings settings, string architectures = "merge", int seeds = 1) =>
        Experiment.Open(work, fixture.Data, settings, architectures, seeds);

    [Fact]
    public void ExtractOrReuse_SecondCallReusesTheCompleteStore()
    {
        Assert.False(fixture.First.AlreadyComplete);
        Assert.Equal(64, fixture.First.Extracted);
        Assert.True(fixture.Second.AlreadyComplete);
        Assert.Equal(0, fixture.Second.Extracted);
        Assert.Contains(fixture.Log, l => l.StartsWith("reusing the small CNN trained earlier", StringComparison.Ordinal));
        Assert.Contains(fixture.Log, l => l.EndsWith("already holds the features of these 64 images; nothing to do", StringComparison.Ordinal));
    }

    [Fact]
    public void ExtractOrReuse_ThrowsForPretrainedEncoderWithoutWeights()
    {
        var error = Assert.Throws<CaptioningException>(() => WorkbookFeatures.ExtractOrReuse(fixture.Dataset, fixture.Folders, "vgg16"));
        Assert.Contains("vgg16", error.Message);
    }

    [Fact]
    public void TrainOrResume_InterruptedRunResumesToTheUninterruptedResult()
    {
        var whole = Open(fixture.CopyWork("whole"), Settings(2));
        var reference = WorkbookTraining.TrainOrResume(whole, "merge", 1);
        Assert.Equal("trained", reference.Status);
        Assert.Equal([1, 2], reference.History.Select(h => h.Epoch));

        var broken = Open(fixture.CopyWork("broken"), Settings(2));
        Assert.Equal(whole.Key, broken.Key); // same settings, same data: the same experiment in another work folder
        using var cancel = new CancellationTokenSource();
        // Cancel as soon as epoch 1 is reported: the trainer stops inside epoch 2, keeping epoch 1 only.
        Assert.ThrowsAny<OperationCanceledException>(() => WorkbookTraining.TrainOrResume(broken, "merge", 1,
            log: line => { if (line.StartsWith("merge seed 1 epoch 1/2", StringComparison.Ordinal)) cancel.Cancel(); }, cancellation: cancel.Token));
        var run = broken.Run("merge", 1);
        Assert.False(run.IsFinished);
        Assert.True(run.HasLastCheckpoint);
        Assert.Single(run.ReadMetrics());

        var curves = new LossCurves();
        var resumed = WorkbookTraining.TrainOrResume(broken, "merge", 1, curves);
        Assert.Equal("resumed after epoch 1", resumed.Status);
        Assert.Equal(reference.History.Select(h => (h.TrainLoss, h.ValidationLoss)), resumed.History.Select(h => (h.TrainLoss, h.ValidationLoss)));
        Assert.Equal([1, 2], curves.History("merge", 1).Select(h => h.Epoch));
        Assert.Equal(reference.Parameters, resumed.Parameters);

        var again = WorkbookTraining.TrainOrResume(broken, "merge", 1);
        Assert.Equal("already finished", again.Status);
        Assert.Equal(resumed.History.Select(h => h.ValidationLoss), again.History.Select(h => h.ValidationLoss));
    }

    [Fact]
    public void Train_ChangedParameterTrainsANewRun_UnchangedRerunReusesTheFinishedOne()
    {
        var work = fixture.CopyWork("rerun");
        var first = Open(work, Settings(1), "pre-inject");
        var trained = Assert.Single(first.Train("pre-inject").Runs);
        Assert.Equal("trained", trained.Status);
        Assert.Equal(Path.Combine(work.Runs, first.Key, "pre-inject-seed1"), trained.Run.Path);

        // The notebook rerun with the same parameters: same key, the finished run is read back, not retrained.
        var log = new List<string>();
        var same = Open(work, Settings(1), "pre-inject");
        Assert.Equal(first.Key, same.Key);
        var reused = Assert.Single(same.Train("pre-inject", log: log.Add).Runs);
        Assert.Equal("already finished", reused.Status);
        Assert.Equal($"pre-inject seed 1: already finished in '{trained.Run.Path}'", Assert.Single(log));
        Assert.Equal(trained.History.Select(h => h.ValidationLoss), reused.History.Select(h => h.ValidationLoss));

        // One parameter changed: a new key, a new folder, a run trained from scratch; the old run stays where it was.
        var changed = Open(work, Settings(1) with { ImageDropout = 0.25 }, "pre-inject");
        Assert.NotEqual(first.Key, changed.Key);
        var retrained = Assert.Single(changed.Train("pre-inject").Runs);
        Assert.Equal("trained", retrained.Status);
        Assert.Equal(Path.Combine(work.Runs, changed.Key, "pre-inject-seed1"), retrained.Run.Path);
        Assert.Equal(0.25, retrained.Run.ReadConfig().Model.ImageDropout);
        Assert.True(trained.Run.IsFinished);
        Assert.NotEqual(trained.History.Select(h => h.TrainLoss), retrained.History.Select(h => h.TrainLoss));
        // The experiment opened last is the current one, what notebooks 04 and 05 read.
        Assert.Equal(changed.Key, Experiment.Current(work).Key);
        Assert.Equal(retrained.Run.Path, work.Run("pre-inject").Path);
    }

    [Fact]
    public void Train_SeveralSeeds_TrainsOneRunPerSeed_WithTheirOwnResults()
    {
        var work = fixture.CopyWork("seeds");
        var experiment = Open(work, Settings(1), "par-inject", seeds: 2);
        var curves = new LossCurves();
        var model = experiment.Train("par-inject", curves);
        Assert.Equal([1, 2], model.Runs.Select(r => r.Seed));
        Assert.Equal([1, 2], model.Runs.Select(r => r.Run.ReadConfig().Training.Seed));
        Assert.Equal([1, 2], curves.Seeds("par-inject"));
        Assert.NotEqual(model.Runs[0].History[0].TrainLoss, model.Runs[1].History[0].TrainLoss);
        // Not in the experiment's architectures: nothing is trained, and the result says so.
        var skipped = experiment.Train("merge");
        Assert.Empty(skipped.Runs);
        Assert.Equal("merge: not trained in this experiment", skipped.ToString());
    }

    [Fact]
    public void TrainOrResume_RefusesAFinishedRunWhoseConfigurationWasEdited()
    {
        var work = fixture.CopyWork("edited");
        var experiment = Open(work, Settings(1), "init-inject");
        var run = WorkbookTraining.TrainOrResume(experiment, "init-inject", 1).Run;
        var config = File.ReadAllText(run.ConfigPath);
        File.WriteAllText(run.ConfigPath, config.Replace("\"Epochs\": 1", "\"Epochs\": 7", StringComparison.Ordinal));
        var error = Assert.Throws<CaptioningException>(() => WorkbookTraining.TrainOrResume(experiment, "init-inject", 1));
        Assert.Contains($"'{run.Path}' holds a run trained with other settings than its experiment's settings.json", error.Message);
        Assert.Contains("Epochs 7 (now 1)", error.Message);
    }

    [Fact]
    public void Open_ThrowsForUnknownArchitectureAndBadSeeds()
    {
        var work = fixture.CopyWork("bad");
        Assert.Contains("unknown model 'attention'", Assert.Throws<CaptioningException>(() => Open(work, Settings(1), "merge attention")).Message);
        Assert.Equal("seeds must be at least 1 (runs per architecture), got 0", Assert.Throws<CaptioningException>(() => Open(work, Settings(1), seeds: 0)).Message);
        Assert.Contains("architectures is empty", Assert.Throws<CaptioningException>(() => Open(work, Settings(1), " ")).Message);
        Assert.Equal("combine must be add (the tutorial's sum) or concat, got 'mul'",
            Assert.Throws<CaptioningException>(() => Open(work, Settings(1) with { Combine = "mul" })).Message);
    }
}
