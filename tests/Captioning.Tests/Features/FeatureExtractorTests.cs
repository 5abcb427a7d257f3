using Captioning.Data;
using Captioning.Features;
using Captioning.Tests.Data;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace Captioning.Tests.Features;

/// <summary>An encoder whose features are the channel means of its input, counting the images it sees.</summary>
internal sealed class ChannelMeanEncoder(string name = "channel-mean") : IFeatureSource
{
    public string Name { get; } = name;
    public int FeatureDimension => 3;
    public ImagePreprocessOptions Preprocessing { get; } = SmallCnnEncoder.PreprocessingFor(16);
    public string WeightsHash => "none";
    public int Calls { get; private set; }
    public List<int> BatchSizes { get; } = new();

    public Tensor Encode(Tensor images)
    {
        Calls++;
        BatchSizes.Add((int)images.size(0));
        return images.mean([2L, 3L]); // (N, 3)
    }
}

public sealed class FeatureExtractorTests : NativeLeakGuard
{
    private readonly TempFolder folder = new();
    private readonly CaptionDataset dataset;

    public FeatureExtractorTests()
    {
        var data = Path.Combine(folder.Path, "synth");
        SyntheticDataset.Generate(data, 24, seed: 3, sizePx: 32, threads: 1);
        dataset = DatasetPreparer.Load(data, null, new PrepareOptions());
    }

    public override void Dispose()
    {
        folder.Dispose();
        base.Dispose();
    }

    private string Out(string name) => Path.Combine(folder.Path, name);

    [Fact]
    public void Run_StoresEveryImageInDatasetOrder()
    {
        var encoder = new ChannelMeanEncoder();
        var result = FeatureExtractor.Run(dataset, encoder, Out("all.feat"), new ExtractOptions(ScalarType.Float32, BatchSize: 5));
        Assert.Equal((24, 24, 0, 0, false, false), (result.Total, result.Extracted, result.Resumed, result.Skipped, result.AlreadyComplete, result.Interrupted));
        Assert.Equal([5, 5, 5, 5, 4], encoder.BatchSizes);
        using var store = FeatureStore.Open(Out("all.feat"));
        Assert.Equal(dataset.Images.Select(i => i.Id), store.Header.Ids);
        using var one = new ImagePreprocessor(encoder.Preprocessing).Load([dataset.Images[7].Path]); // (1, 3, 16, 16)
        using var expected = one.mean([2L, 3L]);
        Assert.Equal(expected.data<float>().ToArray(), store.Read(dataset.Images[7].Id));
    }

    [Fact]
    public void Run_ResumesAfterCancellationWithoutRecomputing()
    {
        var reference = new ChannelMeanEncoder();
        FeatureExtractor.Run(dataset, reference, Out("reference.feat"), new ExtractOptions(BatchSize: 4));

        using var cancel = new CancellationTokenSource();
        var first = new ChannelMeanEncoder();
        var interrupted = FeatureExtractor.Run(dataset, first, Out("resumed.feat"), new ExtractOptions(BatchSize: 4),
            progress: p => { if (p.Done >= 8) cancel.Cancel(); }, cancellation: cancel.Token);
        Assert.True(interrupted.Interrupted);
        Assert.Equal(8, interrupted.Extracted);
        Assert.False(File.Exists(Out("resumed.feat")));

        var second = new ChannelMeanEncoder();
        var messages = new List<string>();
        var resumed = FeatureExtractor.Run(dataset, second, Out("resumed.feat"), new ExtractOptions(BatchSize: 4), log: messages.Add);
        Assert.Equal((8, 16), (resumed.Resumed, resumed.Extracted));
        Assert.Equal(4, second.Calls);
        Assert.Equal(16, second.BatchSizes.Sum());
        Assert.Contains(messages, m => m.StartsWith("resuming: 8 of 24 images", StringComparison.Ordinal));
        Assert.Equal(File.ReadAllBytes(Out("reference.feat")), File.ReadAllBytes(Out("resumed.feat")));

        var again = FeatureExtractor.Run(dataset, new ChannelMeanEncoder(), Out("resumed.feat"), new ExtractOptions(BatchSize: 4));
        Assert.True(again.AlreadyComplete);
    }

    [Fact]
    public void Run_StopsAtBadImageKeepingFinishedRows()
    {
        var bad = dataset.Images[10];
        File.WriteAllBytes(bad.Path, [1, 2, 3, 4, 5]);
        var error = Assert.Throws<CaptioningException>(() =>
            FeatureExtractor.Run(dataset, new ChannelMeanEncoder(), Out("stopped.feat"), new ExtractOptions(BatchSize: 4)));
        Assert.Contains($"image '{bad.Id}'", error.Message);
        Assert.Contains("--skip-bad-images", error.Message);
        Assert.False(File.Exists(Out("stopped.feat")));
        // Images 0-9 were finished (two full batches and the two before the bad one in the third).
        using (var writer = FeatureStoreWriter.OpenOrResume(Out("stopped.feat"), new FeatureStoreIdentity("channel-mean", "none", DatasetFingerprint.Of(dataset), 3, ScalarType.Float16)))
            Assert.Equal(10, writer.ResumedRows);

        var skipping = new ChannelMeanEncoder();
        var result = FeatureExtractor.Run(dataset, skipping, Out("stopped.feat"), new ExtractOptions(BatchSize: 4, SkipBadImages: true));
        Assert.Equal((10, 13, 1), (result.Resumed, result.Extracted, result.Skipped));
        using var store = FeatureStore.Open(Out("stopped.feat"));
        Assert.Equal(23, store.Count);
        Assert.Equal(bad.Id, Assert.Single(store.Header.Skipped).Id);
        Assert.Contains("skipped", Assert.Throws<CaptioningException>(() => store.RowOf(bad.Id)).Message);
    }

    [Fact]
    public void Run_RefusesStoreOfAnotherEncoderUnlessForced()
    {
        FeatureExtractor.Run(dataset, new ChannelMeanEncoder("first"), Out("taken.feat"), new ExtractOptions());
        var error = Assert.Throws<CaptioningException>(() =>
            FeatureExtractor.Run(dataset, new ChannelMeanEncoder("second"), Out("taken.feat"), new ExtractOptions()));
        Assert.Contains("encoder 'first' vs 'second'", error.Message);
        Assert.Contains("--force", error.Message);
        var forced = FeatureExtractor.Run(dataset, new ChannelMeanEncoder("second"), Out("taken.feat"), new ExtractOptions(Force: true));
        Assert.Equal(24, forced.Extracted);
        using var store = FeatureStore.Open(Out("taken.feat"));
        Assert.Equal("second", store.Header.Identity.Encoder);
    }

    [Fact]
    public void Run_RebuildsStoreWhoseChecksumFails()
    {
        FeatureExtractor.Run(dataset, new ChannelMeanEncoder(), Out("corrupt.feat"), new ExtractOptions(ScalarType.Float32));
        var good = File.ReadAllBytes(Out("corrupt.feat"));
        var bytes = good.ToArray();
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(Out("corrupt.feat"), bytes);
        var messages = new List<string>();
        var rebuilt = FeatureExtractor.Run(dataset, new ChannelMeanEncoder(), Out("corrupt.feat"), new ExtractOptions(ScalarType.Float32), log: messages.Add);
        Assert.Equal(24, rebuilt.Extracted);
        Assert.Contains(messages, m => m.Contains("failed its checksum", StringComparison.Ordinal));
        Assert.Equal(good, File.ReadAllBytes(Out("corrupt.feat")));
    }
}
