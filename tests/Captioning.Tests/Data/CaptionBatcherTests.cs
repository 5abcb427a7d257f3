using Captioning.Data;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Data;

public sealed class CaptionBatcherTests : NativeLeakGuard
{
    // Captions of 3, 1, 0, 2 words; caption i belongs to image row i / 2.
    private static EncodedCaptions Sample() =>
        new(["x", "y"], [5, 6, 7, 8, 9, 10], [0, 3, 4, 4, 6], [0, 0, 1, 1]);

    [Fact]
    public void Make_BuildsTeacherForcingRowsPaddedToTheLongestCaption()
    {
        var batcher = new CaptionBatcher(Sample(), new BatcherOptions(BatchSize: 4, Shuffle: false));
        using var batch = batcher.Make([0, 1, 2, 3]);
        Assert.Equal(new long[] { 4, 4 }, batch.Input.shape);
        Assert.Equal(ScalarType.Int64, batch.Input.dtype);
        Assert.Equal(new long[] { 1, 5, 6, 7, 1, 8, 0, 0, 1, 0, 0, 0, 1, 9, 10, 0 }, batch.Input.data<long>().ToArray());
        Assert.Equal(new long[] { 5, 6, 7, 2, 8, 2, 0, 0, 2, 0, 0, 0, 9, 10, 2, 0 }, batch.Target.data<long>().ToArray());
        Assert.Equal(new long[] { 4, 2, 1, 3 }, batch.Lengths.data<long>().ToArray());
        Assert.Equal(10, batch.Tokens); // the lengths' sum, known on the host
        Assert.Equal([0, 0, 1, 1], batch.ImageRows);
        Assert.Equal(new long[] { 0, 0, 1, 1 }, batch.ImageRowIndex.data<long>().ToArray());
    }

    [Fact]
    public void Batches_AreSizedByTheirOwnLongestCaption()
    {
        var batcher = new CaptionBatcher(Sample(), new BatcherOptions(BatchSize: 2, Shuffle: false));
        var shapes = new List<long[]>();
        foreach (var batch in batcher.Batches())
        {
            using (batch) shapes.Add(batch.Target.shape);
        }
        // (2 captions x longest+1): never the tutorial's one row per prefix or a vocabulary-wide one-hot.
        Assert.Equal([[2, 4], [2, 3]], shapes);
    }

    [Fact]
    public void Plan_ShufflesDeterministicallyBySeedAndEpoch()
    {
        var captions = new EncodedCaptions(["x"], new int[40], Enumerable.Range(0, 41).ToArray(), new int[40]);
        var a = new CaptionBatcher(captions, new BatcherOptions(BatchSize: 8, Seed: 7));
        var b = new CaptionBatcher(captions, new BatcherOptions(BatchSize: 8, Seed: 7));
        Assert.Equal(a.Plan(0), b.Plan(0));
        Assert.NotEqual(a.Plan(0), a.Plan(1));
        Assert.Equal(Enumerable.Range(0, 40), a.Plan(3).SelectMany(x => x).Order());
        Assert.Equal(5, a.BatchesPerEpoch);
    }

    [Fact]
    public void Plan_BucketingGroupsSimilarLengths()
    {
        // 32 captions, lengths cycling 1..8 words: buckets of 4 batches x 4 sort to equal lengths per batch.
        var lengths = Enumerable.Range(0, 32).Select(i => 1 + i % 8).ToArray();
        var offsets = new int[33];
        for (var i = 0; i < 32; i++) offsets[i + 1] = offsets[i] + lengths[i];
        var captions = new EncodedCaptions(["x"], Enumerable.Repeat(4, offsets[32]).ToArray(), offsets, new int[32]);
        var batcher = new CaptionBatcher(captions, new BatcherOptions(BatchSize: 4, Seed: 3, BucketByLength: true, BucketBatches: 8));
        var plan = batcher.Plan(0);
        Assert.Equal(8, plan.Count);
        Assert.All(plan, batch => Assert.Single(batch.Select(i => lengths[i]).Distinct()));
        Assert.Equal(Enumerable.Range(0, 32), plan.SelectMany(x => x).Order());
    }

    [Fact]
    public void Plan_DropLastDropsTheShortBatch()
    {
        var batcher = new CaptionBatcher(Sample(), new BatcherOptions(BatchSize: 3, Shuffle: false, DropLast: true));
        Assert.Equal([[0, 1, 2]], batcher.Plan(0));
    }

    [Fact]
    public void Build_EncodesOneSplitWithImageRows()
    {
        using var temp = new TempFolder();
        var dataset = Flickr8kLoader.Load(temp.Flickr8k());
        var cleaner = CaptionCleaner.Tutorial;
        var vocabulary = Vocabulary.Build(dataset.InSplit(Split.Train).SelectMany(i => i.Captions).Select(cleaner.Tokens));
        var encoded = EncodedCaptions.Build(dataset, Split.Test, vocabulary);
        Assert.Equal(["h"], encoded.ImageIds);
        Assert.Equal(2, encoded.Count);
        Assert.Equal(["dog", "runs", "on", "the", "grass"], vocabulary.Decode(encoded.Caption(0).ToArray()));
        // "hdog" never occurs in training captions: it maps to <unk>.
        Assert.Equal(["the", "<unk>", "jumps", "times"], vocabulary.Decode(encoded.Caption(1).ToArray()));
        Assert.Equal(0, encoded.ImageRow(1));
    }
}
