using Captioning.Data;
using Xunit;

namespace Captioning.Tests.Data;

public sealed class TeacherForcingExampleTests : NativeLeakGuard
{
    // dog (seen twice) gets id 4; the words seen once follow alphabetically: grass 5, runs 6, sits 7, the 8.
    private static readonly Vocabulary Words = Vocabulary.Build([["dog", "runs", "the", "grass"], ["dog", "sits"]]);

    [Fact]
    public void Of_CleansEncodesAndPadsTheCaption()
    {
        // The tutorial's cleaning drops "A" (one letter) and the "!"; "on" is not in the vocabulary: <unk> = 3.
        var example = TeacherForcingExample.Of("A dog runs on the grass!", Words, width: 8);

        Assert.Equal(["dog", "runs", "on", "the", "grass"], example.Tokens);
        Assert.Equal([4, 6, 3, 8, 5], example.Ids);
        Assert.Equal([1L, 4, 6, 3, 8, 5, 0, 0], example.Input);
        Assert.Equal([4L, 6, 3, 8, 5, 2, 0, 0], example.Target);
        Assert.Equal(["<start>", "dog", "runs", "<unk>", "the", "grass", "<pad>", "<pad>"], example.InputWords);
        Assert.Equal(["dog", "runs", "<unk>", "the", "grass", "<end>", "<pad>", "<pad>"], example.TargetWords);
    }

    [Fact]
    public void Pairs_AreTheTutorialsFrontPaddedPrefixes()
    {
        var example = TeacherForcingExample.Of("A dog runs on the grass!", Words, width: 8);

        Assert.Equal(6, example.Pairs.Count); // 5 words + the pair that predicts <end>
        Assert.Equal([0L, 0, 0, 0, 0, 0, 0, 1], example.Pairs[0].Prefix);
        Assert.Equal(("<start>", 4L, "dog"), (example.Pairs[0].PrefixWords, example.Pairs[0].Next, example.Pairs[0].NextWord));
        Assert.Equal([0L, 0, 1, 4, 6, 3, 8, 5], example.Pairs[5].Prefix);
        Assert.Equal(("<start> dog runs <unk> the grass", 2L, "<end>"), (example.Pairs[5].PrefixWords, example.Pairs[5].Next, example.Pairs[5].NextWord));
        // Pair t's target is the teacher-forced row's target t: one row holds every pair's answer.
        Assert.Equal(example.Target.Take(6), example.Pairs.Select(p => p.Next));
    }

    [Fact]
    public void Input_EqualsTheRowTheBatcherBuilds()
    {
        var example = TeacherForcingExample.Of("dog sits on the grass", Words, width: 6);
        var captions = new EncodedCaptions(["img"], [.. example.Ids], [0, example.Ids.Count], [0]);
        using var batch = new CaptionBatcher(captions, new BatcherOptions(BatchSize: 1, Shuffle: false)).Make([0]);

        Assert.Equal(example.Input, batch.Input.data<long>().ToArray());
        Assert.Equal(example.Target, batch.Target.data<long>().ToArray());
    }

    [Fact]
    public void Of_DefaultsToTheLongestTrainingCaptionPlusOne()
    {
        Assert.Equal(5, TeacherForcingExample.Of("the dog", Words).Width); // longest training caption: 4 words
    }

    [Fact]
    public void Of_RefusesACaptionTooLongForTheWidth()
    {
        var error = Assert.Throws<CaptioningException>(() => TeacherForcingExample.Of("dog runs on the grass", Words));

        Assert.Equal("caption 'dog runs on the grass' has 5 words, so a row needs at least 6 steps; width 5 is too small", error.Message);
    }

    [Fact]
    public void Of_RefusesACaptionWithNoWordsLeft()
    {
        var error = Assert.Throws<CaptioningException>(() => TeacherForcingExample.Of("A 2 !", Words));

        Assert.Equal("caption 'A 2 !' has no words left after cleaning", error.Message);
    }

    [Fact]
    public void Counts_AreWordsPlusOnePerCaptionAgainstOneRowPerCaption()
    {
        // Captions of 2, 3 and 4 words: 3 + 4 + 5 = 12 pairs, 3 rows.
        var captions = new EncodedCaptions(["a", "b"], [4, 5, 4, 6, 7, 4, 5, 6, 7], [0, 2, 5, 9], [0, 1, 1]);

        Assert.Equal(12, TeacherForcingExample.PairCount(captions));
        Assert.Equal(3, TeacherForcingExample.RowCount(captions));
    }
}
