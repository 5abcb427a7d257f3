using Captioning.Evaluation;
using Xunit;

namespace Captioning.Tests.Evaluation;

// Hand computations follow coco-caption's cider_scorer.py. With N images, an n-gram's weight is
// tf * (ln N - ln max(1, df)), df = number of images whose references contain it. Per order:
// sum over candidate n-grams of min(w_c, w_r) * w_r / (|c| |r|), times exp(-delta^2 / 72) where
// delta is the difference of the bigram counts; mean over the 4 orders, over references, times 10.
public sealed class CiderDTests
{
    private static readonly double Ln2 = Math.Log(2);

    private static string[] W(string text) => text.Length == 0 ? [] : text.Split(' ');

    private static double[] Score(params (string Candidate, string[] References)[] images) =>
        CiderD.Score(images.Select(i => (IReadOnlyList<string[]>)i.References.Select(W).ToArray()).ToArray(),
                     images.Select(i => W(i.Candidate)).ToArray());

    [Fact]
    public void Score_OneImageIsZeroBecauseEveryIdfIsZero()
    {
        // N = 1: every reference n-gram has df = 1, weight ln 1 - ln 1 = 0; all vectors vanish.
        Assert.Equal([0.0], Score(("dog runs on grass", ["dog runs on grass"])));
    }

    [Fact]
    public void Score_ExactMatchOfTwoWordCaptionsIsFive()
    {
        // N = 2, all df = 1, all weights ln 2. Orders 1 and 2: cosine 1; orders 3 and 4: zero
        // vectors, 0. Mean (1 + 1 + 0 + 0) / 4 = 0.5, times 10 = 5 for each image.
        var scores = Score(("dog runs", ["dog runs"]), ("cat sleeps", ["cat sleeps"]));
        Assert.Equal(5.0, scores[0], 1e-12);
        Assert.Equal(5.0, scores[1], 1e-12);
    }

    [Fact]
    public void Score_NoOverlapIsZero()
    {
        var scores = Score(("cat sleeps", ["dog runs"]), ("bird flies", ["fish swims"]));
        Assert.Equal([0.0, 0.0], scores);
    }

    [Fact]
    public void Score_EmptyCandidateIsZero()
    {
        var scores = Score(("", ["dog runs"]), ("cat sleeps", ["cat sleeps"]));
        Assert.Equal(0.0, scores[0]);
        Assert.Equal(5.0, scores[1], 1e-12);
    }

    [Fact]
    public void Score_WordInEveryImageWeighsNothing()
    {
        // "dog" is in both images' references: df = 2, weight ln 2 - ln 2 = 0. Image 1 "dog runs":
        // order 1 has only "runs" (ln 2) on both sides, cosine 1; order 2 cosine 1: score 5.
        // Image 2 "cat" (df 0, weight ln 2) meets a reference without "cat": 0. Mean 2.5.
        var scores = Score(("dog runs", ["dog runs"]), ("cat", ["dog sleeps"]));
        Assert.Equal(5.0, scores[0], 1e-12);
        Assert.Equal(0.0, scores[1]);
    }

    [Fact]
    public void Score_ShorterCandidatePaysTheGaussianLengthPenalty()
    {
        // "dog runs" vs "dog runs on grass" (all weights ln 2): order 1 cosine 2 / (sqrt 2 * 2) = 1/sqrt 2,
        // order 2 cosine 1 / sqrt 3, orders 3-4 zero. Bigram counts 1 vs 3: delta = -2, penalty
        // exp(-4/72). Score = (0.707107 + 0.577350) * 0.945959 / 4 * 10 = 3.037611.
        var scores = Score(("dog runs", ["dog runs on grass"]), ("cat sleeps", ["cat sleeps"]));
        var expected = (1 / Math.Sqrt(2) + 1 / Math.Sqrt(3)) * Math.Exp(-4.0 / 72) / 4 * 10;
        Assert.Equal(expected, scores[0], 1e-12);
        Assert.Equal(3.037611, scores[0], 1e-6);
    }

    [Fact]
    public void Score_LongerCandidatePaysTheSameLengthPenalty()
    {
        // The mirror image of the shorter case: the Gaussian penalty is symmetric in delta.
        var scores = Score(("dog runs on grass", ["dog runs"]), ("cat sleeps", ["cat sleeps"]));
        var expected = (1 / Math.Sqrt(2) + 1 / Math.Sqrt(3)) * Math.Exp(-4.0 / 72) / 4 * 10;
        Assert.Equal(expected, scores[0], 1e-12);
    }

    [Fact]
    public void Score_RepeatedWordsAreClippedToTheReferenceWeight()
    {
        // "the the the" vs "the cat": candidate weight of "the" is 3 ln 2, clipped to the reference's
        // ln 2: order 1 = ln2 * ln2 / (3 ln2 * sqrt 2 ln2) = 1 / (3 sqrt 2) = 0.235702; "the the" is not
        // in the reference. Bigram counts 2 vs 1: penalty exp(-1/72). Score = 0.235702 * 0.986207 / 4 * 10.
        var scores = Score(("the the the", ["the cat"]), ("dog", ["dog"]));
        Assert.Equal(1 / (3 * Math.Sqrt(2)) * Math.Exp(-1.0 / 72) / 4 * 10, scores[0], 1e-12);
        Assert.Equal(0.581128, scores[0], 1e-6);
        // "dog" vs "dog": order 1 cosine 1, no bigrams on either side: 1 / 4 * 10.
        Assert.Equal(2.5, scores[1], 1e-12);
    }

    [Fact]
    public void Score_AveragesOverReferences()
    {
        // Image 1 has references "dog runs" (cosine 1, 1) and "cat sleeps" (0, 0): (5 + 0) / 2 = 2.5.
        // df: every n-gram appears in exactly one image, so all weights are ln 2 (N = 2).
        var scores = Score(("dog runs", ["dog runs", "cat sleeps"]), ("bird flies", ["bird flies"]));
        Assert.Equal(2.5, scores[0], 1e-12);
        Assert.Equal(5.0, scores[1], 1e-12);
    }
}
