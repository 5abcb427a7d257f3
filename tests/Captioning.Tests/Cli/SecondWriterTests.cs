using Captioning.Features;
using Xunit;

namespace Captioning.Tests.Cli;

/// <summary>
/// A second `caption` writing what a first one, held mid-write (<see cref="HeldProcess"/>), is writing: refused at once
/// with one line naming the folder or store, the holder's process id and command; once the holder is SIGKILLed, its
/// lock file stays behind and the rerun proceeds.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SecondWriterTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private static string Refusal(string what, string path, HeldProcess holder, string[] args) =>
        $"error: {what} '{path}' is being written by process {holder.Process.Id} (caption {string.Join(' ', args)}); wait for it to finish or stop it, then rerun\n";

    private string[] Train(string output, params string[] extra) =>
        ["train", "--data", fixture.Data, "--features", fixture.Features, "--preset", "demo", "--epochs", "3", "--batch", "16", "--threads", "1", "--out", output, .. extra];

    [Fact]
    public void Train_SecondWriterWithAndWithoutResumeRefused_AndTheRerunAfterSigkillProceeds()
    {
        var run = fixture.NewFolder("run");
        var metrics = Path.Combine(run, "metrics.jsonl");
        using (var first = HeldProcess.StartAndWait(TestHold.EpochSaved(run, 1), Train(run)))
        {
            foreach (var second in new[] { Train(run), Train(run, "--resume") })
            {
                var (code, stdout, stderr) = CliProcess.Run(second);
                // The whole output is the one line: refused before it loaded, printed or wrote anything.
                Assert.Equal((1, "", Refusal("run folder", run, first, Train(run))), (code, stdout, stderr));
            }
            Assert.Single(File.ReadAllLines(metrics)); // the holder's first epoch, untouched
            Assert.Equal(137, first.Kill()); // SIGKILL at epoch 1: no chance to release anything itself
        }
        Assert.True(File.Exists(run + ".lock"));

        var (rerun, rerunOut, rerunError) = CliProcess.Run(Train(run, "--resume"));
        Assert.True(rerun == 0, rerunError);
        Assert.Contains("completed: 3 epochs", rerunOut);
        Assert.Equal(3, File.ReadAllLines(metrics).Length);
    }

    [Fact]
    public void Extract_SecondWriterOfTheSameStoreRefused_AndTheRerunAfterSigkillResumes()
    {
        var store = fixture.NewFolder("store") + ".feat";
        // Without --weights the small CNN is trained and saved beside the store: the file two extractions once wrote at the same time.
        string[] extract = ["extract", "--data", fixture.Data, "--encoder", "small-cnn", "--cnn-epochs", "1", "--cnn-size", "16", "--batch", "8", "--threads", "1", "--out", store];
        var cnn = SmallCnnEncoder.WeightsPathBeside(store);
        using (var first = HeldProcess.StartAndWait(TestHold.ExtractionSaved(store, 8, 64), extract))
        {
            var trained = File.ReadAllBytes(cnn);
            var (code, stdout, stderr) = CliProcess.Run(extract);
            Assert.Equal((1, "", Refusal("feature store", store, first, extract)), (code, stdout, stderr));
            Assert.Equal(trained, File.ReadAllBytes(cnn));
            Assert.Equal(137, first.Kill());
        }
        Assert.True(File.Exists(store + ".lock"));

        var (rerun, _, rerunError) = CliProcess.Run(extract);
        Assert.True(rerun == 0, rerunError);
        Assert.Contains("reusing the small CNN trained earlier", rerunError);
        Assert.Contains("resuming: 8 of 64 images", rerunError);
    }
}
