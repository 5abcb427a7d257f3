using Captioning.Evaluation;
using Xunit;

namespace Captioning.Tests.Evaluation;

// Hand computations follow coco-caption's bleu_scorer.py: per order n, ratio (correct + tiny) /
// (guess + small) with tiny = 1e-15, small = 1e-9; BLEU-n = (product of ratios 1..n)^(1/n), times
// exp(1 - 1/r) when r = (testlen + tiny) / (reflen + small) < 1.
public sealed class CocoBleuTests
{
    private const double T = CocoBleu.Tiny;
    private const double S = CocoBleu.Small;

    private static string[] W(string text) => text.Length == 0 ? [] : text.Split(' ');

    private static double[] Score(string candidate, params string[] references) =>
        CocoBleu.Score([references.Select(W).ToArray()], [W(candidate)]);

    [Fact]
    public void Score_ExactMatchFallsShortOfOneByTheConstants()
    {
        // 5 words: guess = correct = [5, 4, 3, 2]. Every ratio is (c + 1e-15) / (c + 1e-9) and the
        // length ratio (5 + 1e-15) / (5 + 1e-9) is just below 1, so a tiny penalty applies as well:
        // BLEU-1 = 0.9999999996, BLEU-4 = 0.99999999948.
        var bleu = Score("dog runs on the grass", "dog runs on the grass");
        var penalty = Math.Exp(1 - 1 / ((5 + T) / (5 + S)));
        Assert.Equal((5 + T) / (5 + S) * penalty, bleu[0], 1e-15);
        Assert.Equal(Math.Pow((5 + T) / (5 + S) * ((4 + T) / (4 + S)), 0.5) * penalty, bleu[1], 1e-15);
        Assert.Equal(Math.Pow((5 + T) / (5 + S) * ((4 + T) / (4 + S)) * ((3 + T) / (3 + S)), 1.0 / 3) * penalty, bleu[2], 1e-15);
        Assert.Equal(0.9999999996, bleu[0], 1e-12);
        Assert.Equal(0.99999999948, bleu[3], 1e-11);
    }

    [Fact]
    public void Score_NoOverlapGivesTinyPositiveValues()
    {
        // guess [2, 1, 0, 0], correct 0: BLEU-1 = 1e-15 / (2 + 1e-9) ~ 5e-16; orders 3 and 4 have no
        // candidate n-gram, ratio 1e-15 / 1e-9 = 1e-6, so BLEU-4 = (5e-16 * 1e-15 * 1e-6 * 1e-6)^(1/4) ~ 2.66e-11.
        var bleu = Score("cat sleeps", "dog runs");
        var penalty = Math.Exp(1 - 1 / ((2 + T) / (2 + S)));
        Assert.Equal(T / (2 + S) * penalty, bleu[0], 1e-20);
        Assert.Equal(Math.Pow(T / (2 + S) * (T / (1 + S)) * (T / S) * (T / S), 0.25) * penalty, bleu[3], 1e-20);
        Assert.All(bleu, b => Assert.True(b > 0));
        Assert.InRange(bleu[3], 2.659e-11, 2.660e-11);
    }

    [Fact]
    public void Score_EmptyCandidateIsZero()
    {
        // testlen 0: r = 1e-15 / (3 + 1e-9), so the penalty exp(1 - 1/r) underflows to exactly 0.
        Assert.Equal([0.0, 0.0, 0.0, 0.0], Score("", "dog runs fast"));
    }

    [Fact]
    public void Score_ShorterCandidateIsPenalised()
    {
        // guess = correct = [2, 1, 0, 0]; orders 3, 4 contribute (1e-15 / 1e-9) = 1e-6 each.
        // Penalty exp(1 - (4 + 1e-9) / (2 + 1e-15)) ~ e^-1 = 0.367879: BLEU-1 ~ 0.367879,
        // BLEU-3 ~ (1e-6)^(1/3) e^-1 = 0.00367879, BLEU-4 ~ (1e-12)^(1/4) e^-1 = 0.000367879.
        var bleu = Score("dog runs", "dog runs on grass");
        Assert.Equal(0.36787944, bleu[0], 1e-8);
        Assert.Equal(0.36787944, bleu[1], 1e-8);
        Assert.Equal(0.0036787944, bleu[2], 1e-10);
        Assert.Equal(0.00036787944, bleu[3], 1e-11);
    }

    [Fact]
    public void Score_LongerCandidateHasNoPenalty()
    {
        // "dog runs on green grass" vs "dog runs on grass": correct/guess = 4/5, 2/4, 1/3, 0/2.
        // BLEU-1 = 0.8, BLEU-2 = sqrt(0.8 * 0.5) = 0.632456, BLEU-3 = (0.8 * 0.5 / 3)^(1/3) = 0.510873,
        // BLEU-4 = (0.4 / 3 * 1e-15 / 2)^(1/4) = 9.0360e-5.
        var bleu = Score("dog runs on green grass", "dog runs on grass");
        Assert.Equal((4 + T) / (5 + S), bleu[0], 1e-15);
        Assert.Equal(0.632455532, bleu[1], 1e-9);
        Assert.Equal(0.5108729548, bleu[2], 1e-9);
        Assert.Equal(9.0360200e-5, bleu[3], 1e-11);
    }

    [Fact]
    public void Score_ClosestLengthTieTakesTheShorterReference()
    {
        // Candidate length 3, references of length 2 and 4: both 1 away, the shorter (2) wins, so
        // r = 3/2 > 1 and there is no penalty (the longer one would have cost exp(1 - 4/3) = 0.7165).
        // Unigrams 3/3, so BLEU-1 = (3 + 1e-15) / (3 + 1e-9).
        var bleu = Score("dog runs fast", "dog runs", "dog runs very fast");
        Assert.Equal((3 + T) / (3 + S), bleu[0], 1e-15);
        // Bigrams: "dog runs" matches, "runs fast" does not: BLEU-2 = sqrt(1 * 1/2).
        Assert.Equal(Math.Sqrt((3 + T) / (3 + S) * ((1 + T) / (2 + S))), bleu[1], 1e-15);
    }

    [Fact]
    public void Score_RepeatedWordsAreClippedByTheReferenceCount()
    {
        // "the the the" vs "the cat on the mat": "the" is clipped to the reference's 2, so 2/3;
        // penalty exp(1 - 5/3) = exp(-2/3): BLEU-1 = 2/3 * 0.513417 = 0.342278.
        var bleu = Score("the the the", "the cat on the mat");
        Assert.Equal((2 + T) / (3 + S) * Math.Exp(1 - 1 / ((3 + T) / (5 + S))), bleu[0], 1e-15);
        Assert.Equal(0.342278079, bleu[0], 1e-9);
    }

    [Fact]
    public void Score_SumsCountsOverTheCorpusBeforeDividing()
    {
        // Image 1 "dog" vs "dog": guess [1, 0, 0, 0]; image 2 "cat sat" vs "cat sat": guess [2, 1, 0, 0].
        // Corpus bigrams 1/1: BLEU-2 = sqrt((3 + t)/(3 + s) * (1 + t)/(1 + s)); the lengths match, 3/3.
        var bleu = CocoBleu.Score([[W("dog")], [W("cat sat")]], [W("dog"), W("cat sat")]);
        var penalty = Math.Exp(1 - 1 / ((3 + T) / (3 + S)));
        Assert.Equal(Math.Sqrt((3 + T) / (3 + S) * ((1 + T) / (1 + S))) * penalty, bleu[1], 1e-15);
    }
}
