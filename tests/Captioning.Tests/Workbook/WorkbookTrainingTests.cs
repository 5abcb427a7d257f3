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
    private static readonly TrainingPreset Preset = TrainingPreset.Demo;

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
        var whole = fixture.CopyWork("whole");
        var reference = WorkbookTraining.TrainOrResume(whole, fixture.Data, "small-cnn", "merge", Preset, epochs: 2);
        Assert.Equal("trained", reference.Status);
        Assert.Equal([1, 2], reference.History.Select(h => h.Epoch));

        var broken = fixture.CopyWork("broken");
        using var cancel = new CancellationTokenSource();
        // Cancel as soon as epoch 1 is reported: the trainer stops inside epoch 2, keeping epoch 1 only.
        Assert.ThrowsAny<OperationCanceledException>(() => WorkbookTraining.TrainOrResume(broken, fixture.Data, "small-cnn", "merge", Preset, epochs: 2,
            log: line => { if (line.StartsWith("merge epoch 1/2", StringComparison.Ordinal)) cancel.Cancel(); }, cancellation: cancel.Token));
        var run = broken.Run("merge");
        Assert.False(run.IsFinished);
        Assert.True(run.HasLastCheckpoint);
        Assert.Single(run.ReadMetrics());

        var curves = new LossCurves();
        var resumed = WorkbookTraining.TrainOrResume(broken, fixture.Data, "small-cnn", "merge", Preset, epochs: 2, curves);
        Assert.Equal("resumed after epoch 1", resumed.Status);
        Assert.Equal(reference.History.Select(h => (h.TrainLoss, h.ValidationLoss)), resumed.History.Select(h => (h.TrainLoss, h.ValidationLoss)));
        Assert.Equal([1, 2], curves.History("merge").Select(h => h.Epoch));
        Assert.Equal(reference.Parameters, resumed.Parameters);

        var again = WorkbookTraining.TrainOrResume(broken, fixture.Data, "small-cnn", "merge", Preset, epochs: 2);
        Assert.Equal("already finished", again.Status);
        Assert.Equal(resumed.History.Select(h => h.ValidationLoss), again.History.Select(h => h.ValidationLoss));
    }

    [Fact]
    public void TrainOrResume_FinishedRunWithOtherModelSettings_IsKeptAndSaysWhatDiffers()
    {
        var work = fixture.CopyWork("kept");
        Assert.Equal("trained", WorkbookTraining.TrainOrResume(work, fixture.Data, "small-cnn", "pre-inject", Preset, epochs: 1).Status);
        var other = Preset with { Model = Preset.Model with { ImageDropout = 0.25 } };
        var log = new List<string>();
        var kept = WorkbookTraining.TrainOrResume(work, fixture.Data, "small-cnn", "pre-inject", other, epochs: 1, log: log.Add);
        Assert.Equal("already finished", kept.Status);
        Assert.Equal($"pre-inject: keeping the finished run in '{work.Run("pre-inject").Path}' (trained with ImageDropout 0 (now 0.25)); delete that folder to retrain with the new settings",
            Assert.Single(log));
    }

    [Fact]
    public void TrainOrResume_RefusesToResumeWithOtherSettings()
    {
        var work = fixture.CopyWork("other");
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => WorkbookTraining.TrainOrResume(work, fixture.Data, "small-cnn", "init-inject", Preset, epochs: 2,
            log: line => { if (line.StartsWith("init-inject epoch 1/2", StringComparison.Ordinal)) cancel.Cancel(); }, cancellation: cancel.Token));
        var error = Assert.Throws<CaptioningException>(() => WorkbookTraining.TrainOrResume(work, fixture.Data, "small-cnn", "init-inject", Preset, epochs: 3));
        Assert.Contains("cannot resume", error.Message);
        Assert.Contains("other training settings (2 epochs", error.Message);
        Assert.Contains($"delete '{work.Run("init-inject").Path}'", error.Message);
    }

    [Fact]
    public void TrainOrResume_ThrowsForUnknownArchitecture()
    {
        var error = Assert.Throws<CaptioningException>(() => WorkbookTraining.TrainOrResume(fixture.Folders, fixture.Data, "small-cnn", "attention", Preset));
        Assert.Contains("attention", error.Message);
    }
}
