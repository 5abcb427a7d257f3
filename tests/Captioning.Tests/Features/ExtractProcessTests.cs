using System.Diagnostics;
using Captioning.Data;
using Captioning.Features;
using Captioning.Tests.Data;
using Xunit;

namespace Captioning.Tests.Features;

/// <summary>Interrupts a real `caption extract` process (SIGKILL, then SIGINT) and checks that reruns resume to the same bytes.</summary>
public sealed class ExtractProcessTests : NativeLeakGuard
{
    private readonly TempFolder folder = new();

    public override void Dispose()
    {
        folder.Dispose();
        base.Dispose();
    }

    private static Process Start(string[] args) => Captioning.Tests.Cli.CliProcess.StartInterruptible(args);

    private static (int Code, string Output) Finish(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "caption extract did not finish within 2 minutes");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    // Waits until the journal names at least `rows` finished images, then signals the process.
    private static void InterruptAfter(Process process, string journal, int rows, Action<Process> signal)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            Assert.False(process.HasExited, "extraction finished before it could be interrupted");
            if (File.Exists(journal) && File.ReadAllLines(journal).Count(l => l.StartsWith("+\t", StringComparison.Ordinal)) >= rows)
            {
                signal(process);
                return;
            }
            Thread.Sleep(2);
        }
        Assert.Fail("the journal never reached the expected rows");
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Extract_KilledAndInterruptedThenRerun_EqualsUninterruptedStore()
    {
        var data = Path.Combine(folder.Path, "synth");
        SyntheticDataset.Generate(data, 160, seed: 9, sizePx: 32, threads: 1);
        var dataset = DatasetPreparer.Load(data, null, new PrepareOptions());
        // An untrained network is enough to test the store.
        var weights = Path.Combine(folder.Path, "cnn.safetensors");
        Captioning.Torch.TorchRuntime.ManualSeed(7);
        var network = new SmallCnn([8, 16, 32], 16, 2);
        using (SmallCnnEncoder.SaveAndWrap(network, new Concepts(["red", "blue"]), 32, DatasetFingerprint.Of(dataset), "untrained", weights)) { }

        string[] Args(string output) => ["extract", "--data", data, "--encoder", "small-cnn", "--weights", weights, "--batch", "1", "--threads", "1", "--out", output];
        var interrupted = Path.Combine(folder.Path, "interrupted.feat");
        var journal = FeatureStoreWriter.JournalPath(interrupted);

        using (var killed = Start(Args(interrupted)))
        {
            InterruptAfter(killed, journal, 3, p => p.Kill());
            var (code, _) = Finish(killed);
            Assert.Equal(137, code);
        }
        Assert.False(File.Exists(interrupted));
        Assert.True(File.Exists(FeatureStoreWriter.PartialPath(interrupted)));
        var rowsAfterKill = File.ReadAllLines(journal).Count(l => l.StartsWith("+\t", StringComparison.Ordinal));

        using (var stopped = Start(Args(interrupted)))
        {
            InterruptAfter(stopped, journal, rowsAfterKill + 3, Captioning.Tests.Cli.CliProcess.Interrupt);
            var (code, output) = Finish(stopped);
            Assert.Equal(130, code);
            Assert.Contains($"resuming: {rowsAfterKill} of 160 images", output);
            Assert.Contains("rerun the same command to resume", output);
        }
        Assert.False(File.Exists(interrupted));

        using (var rerun = Start(Args(interrupted)))
        {
            var (code, output) = Finish(rerun);
            Assert.True(code == 0, output);
            Assert.Contains("resuming:", output);
        }
        // The uninterrupted reference runs in-process (starting a CLI costs seconds on a loaded machine), with the CLI's thread count.
        var reference = Path.Combine(folder.Path, "reference.feat");
        var threads = Captioning.Torch.TorchRuntime.Threads;
        Captioning.Torch.TorchRuntime.Threads = 1;
        try
        {
            using var encoder = SmallCnnEncoder.Load(weights);
            var result = FeatureExtractor.Run(dataset, encoder, reference, new ExtractOptions(BatchSize: 1));
            Assert.Equal((160, 0), (result.Extracted, result.Resumed));
        }
        finally
        {
            Captioning.Torch.TorchRuntime.Threads = threads;
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
