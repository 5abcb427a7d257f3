using Captioning.Data;
using Captioning.Evaluation;
using Captioning.Inference;
using Captioning.Tests.Data;
using Captioning.Training;
using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Workbook;

/// <summary>
/// Notebook cells that write (extract, train, evaluate) are refused while another process holds what they would write
/// (flock(1) holding the lock file stands in for it), and so is `caption evaluate`'s writing of predictions; cells that only
/// read a finished run or a cached evaluation are not.
/// </summary>
[Trait("Category", "Slow")]
public sealed class WorkbookLockTests(WorkbookTrainingFixture fixture) : NativeLeakGuard, IClassFixture<WorkbookTrainingFixture>
{
    private static readonly DecodeOptions Decode = new(BeamSize: 1);

    private static readonly ExperimentSettings OneEpoch = new ExperimentSettings() with { Epochs = 1 };

    private static string Refusal(string what, string path, int pid) =>
        $"{what} '{path}' is being written by process {pid} (caption notebook 03.dib); wait for it to finish or stop it, then rerun";

    // Holds PATH.lock in another process and records it as the holder, as a writing `caption` would.
    private static FlockProcess.Holder HeldElsewhere(string path)
    {
        var holder = FlockProcess.Hold(WriterLock.LockPathOf(path));
        File.WriteAllText(WriterLock.OwnerPathOf(path), $"{holder.Id}\ncaption notebook 03.dib\n");
        return holder;
    }

    [Fact]
    public void ExtractOrReuse_StoreHeldByAnotherProcess_IsRefused()
    {
        var work = fixture.CopyWork("extract");
        var store = work.FeatureStore("small-cnn");
        using var holder = HeldElsewhere(store);
        var error = Assert.Throws<CaptioningException>(() => WorkbookFeatures.ExtractOrReuse(fixture.Dataset, work, "small-cnn"));
        Assert.Equal(Refusal("feature store", store, holder.Id), error.Message);
    }

    [Fact]
    public void TrainOrResume_UnfinishedRunHeldByAnotherProcess_IsRefusedBeforeWritingAnything()
    {
        var work = fixture.CopyWork("train");
        var experiment = Experiment.Open(work, fixture.Data, OneEpoch, "merge");
        var run = work.Run("merge");
        Directory.CreateDirectory(Path.GetDirectoryName(run.Path)!);
        using var holder = HeldElsewhere(run.Path);
        var error = Assert.Throws<CaptioningException>(() => WorkbookTraining.TrainOrResume(experiment, "merge", 1));
        Assert.Equal(Refusal("run folder", run.Path, holder.Id), error.Message);
        Assert.False(Directory.Exists(run.Path));
    }

    [Fact]
    public void FinishedRunAndCachedEvaluation_AreReadWhileLocked_AndAMissingEvaluationIsRefused()
    {
        var work = fixture.CopyWork("finished");
        var experiment = Experiment.Open(work, fixture.Data, OneEpoch, "merge");
        var run = work.Run("merge");
        Assert.Equal("trained", WorkbookTraining.TrainOrResume(experiment, "merge", 1).Status);
        using (HeldElsewhere(run.Path))
            Assert.Equal("already finished", WorkbookTraining.TrainOrResume(experiment, "merge", 1).Status);

        var cache = EvaluationCache.PathOf(work, "merge", Split.Test, Decode, BootstrapOptions.None);
        using (var holder = HeldElsewhere(cache))
        {
            var error = Assert.Throws<CaptioningException>(() => EvaluationCache.EvaluateOrLoad(work, "merge", Split.Test, Decode, BootstrapOptions.None));
            Assert.Equal(Refusal("evaluation cache", cache, holder.Id), error.Message);
        }
        Assert.False(File.Exists(cache));
        var computed = EvaluationCache.EvaluateOrLoad(work, "merge", Split.Test, Decode, BootstrapOptions.None);

        using (HeldElsewhere(cache))
        {
            var log = new List<string>();
            var reused = EvaluationCache.EvaluateOrLoad(work, "merge", Split.Test, Decode, BootstrapOptions.None, log.Add);
            Assert.Equal([$"merge: reusing the evaluation in '{cache}'"], log);
            Assert.Equal(computed.Predictions, reused.Predictions);
        }

        // `caption evaluate` writes predictions/test-beam1.tsv and .json into the finished run: those two are locked.
        var predictions = Path.Combine(run.Path, "predictions", "test-beam1");
        using (var holder = HeldElsewhere(predictions))
        {
            var error = Assert.Throws<CaptioningException>(() => RunEvaluator.Evaluate(run, Split.Test, Decode));
            Assert.Equal(Refusal("predictions", predictions, holder.Id), error.Message);
        }
    }
}
