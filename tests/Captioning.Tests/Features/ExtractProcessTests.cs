using Captioning.Data;
using Captioning.Features;
using Captioning.Tests.Cli;
using Captioning.Tests.Data;
using Xunit;

namespace Captioning.Tests.Features;

/// <summary>Interrupts a real `caption extract` process (SIGKILL, then SIGINT) at a held batch and checks that reruns resume to the same bytes.</summary>
public sealed class ExtractProcessTests : NativeLeakGuard
{
    private readonly TempFolder folder = new();

    public override void Dispose()
    {
        folder.Dispose();
        base.Dispose();
    }

    private static int JournalRows(string journal) => File.ReadAllLines(journal).Count(l => l.StartsWith("+\t", StringComparison.Ordinal));

    [Fact]
    [Trait("Category", "Slow")]
    public void Extract_KilledAndInterruptedThenRerun_EqualsUninterruptedStore()
    {
        var data = Path.Combine(folder.Path, "synth");
        SyntheticDataset.Generate(data, 160, seed: 9, sizePx: 32, threads: 1);
        var dataset = DatasetPreparer.Load(data, null, new PrepareOptions());
        // An untrained network is enough to test the store.
        var weights = Path.Combine(folder.Path, "cnn.safetensors");
        TorchRuntime.ManualSeed(7);
        var network = new SmallCnn([8, 16, 32], 16, 2);
        using (SmallCnnEncoder.SaveAndWrap(network, new Concepts(["red", "blue"]), 32, DatasetFingerprint.Of(dataset), "untrained", weights)) { }

        string[] Args(string output) => ["extract", "--data", data, "--encoder", "small-cnn", "--weights", weights, "--batch", "1", "--threads", "1", "--out", output];
        var interrupted = Path.Combine(folder.Path, "interrupted.feat");
        var journal = FeatureStoreWriter.JournalPath(interrupted);

        // Each run is held at a saved batch (one image per batch) and killed or interrupted there, however fast extraction is.
        using (var killed = HeldProcess.StartAndWait(TestHold.ExtractionSaved(interrupted, 3, 160), Args(interrupted)))
            Assert.Equal(137, killed.Kill()); // SIGKILL: no chance to clean up
        Assert.False(File.Exists(interrupted));
        Assert.True(File.Exists(FeatureStoreWriter.PartialPath(interrupted)));
        Assert.Equal(3, JournalRows(journal));

        using (var stopped = HeldProcess.StartAndWait(TestHold.ExtractionSaved(interrupted, 6, 160), Args(interrupted)))
        {
            stopped.Interrupt(); // SIGINT: the extractor sees it after the held batch and stops there
            var (code, _, stderr) = stopped.Finish();
            Assert.Equal(130, code);
            Assert.Contains("resuming: 3 of 160 images", stderr);
            Assert.Contains("interrupted: 6 of 160 images are saved", stderr);
            Assert.Contains("rerun the same command to resume", stderr);
        }
        Assert.False(File.Exists(interrupted));
        Assert.Equal(6, JournalRows(journal));

        var (rerunCode, _, rerunError) = CliProcess.Run(Args(interrupted));
        Assert.True(rerunCode == 0, rerunError);
        Assert.Contains("resuming: 6 of 160 images", rerunError);
        // The uninterrupted reference runs in-process (starting a CLI costs seconds on a loaded machine), with the CLI's thread count.
        var reference = Path.Combine(folder.Path, "reference.feat");
        var threads = TorchRuntime.Threads;
        TorchRuntime.Threads = 1;
        try
        {
            using var encoder = SmallCnnEncoder.Load(weights);
            var result = FeatureExtractor.Run(dataset, encoder, reference, new ExtractOptions(BatchSize: 1));
            Assert.Equal((160, 0), (result.Extracted, result.Resumed));
        }
        finally
        {
            TorchRuntime.Threads = threads;
        }
        Assert.False(File.Exists(FeatureStoreWriter.PartialPath(interrupted)));
        using var a = FeatureStore.Open(interrupted);
        using var b = FeatureStore.Open(reference);
        Assert.Equal(160, a.Count);
        Assert.Equal(b.Header.Ids, a.Header.Ids);
        for (var row = 0; row < a.Count; row++) Assert.True(a.RowBytes(row).SequenceEqual(b.RowBytes(row)), $"row {row} differs");
        Assert.Equal(File.ReadAllBytes(reference), File.ReadAllBytes(interrupted));
    }
}
