using Captioning.Evaluation;
using Xunit;

namespace Captioning.Tests.Evaluation;

// ROUGE-L as coco-caption's rouge.py: F = (1 + b^2) P R / (R + b^2 P), b = 1.2, with P and R the
// best LCS precision and best LCS recall over the references, taken separately.
public sealed class RougeLTests
{
    private static string[] W(string text) => text.Length == 0 ? [] : text.Split(' ');

    private static double Score(string candidate, params string[] references) =>
        RougeL.Score(references.Select(W).ToArray(), W(candidate));

    [Fact]
    public void Score_ExactMatchIsOne() => Assert.Equal(1.0, Score("dog runs on grass", "dog runs on grass"), 1e-15);

    [Fact]
    public void Score_NoOverlapIsZero() => Assert.Equal(0.0, Score("cat sleeps", "dog runs"));

    [Fact]
    public void Score_EmptyCandidateIsZero() => Assert.Equal(0.0, Score("", "dog runs"));

    [Fact]
    public void Score_ShorterCandidate()
    {
        // LCS 2: P = 2/2 = 1, R = 2/4: F = 2.44 * 0.5 / (0.5 + 1.44) = 1.22 / 1.94 = 0.628866.
        Assert.Equal(2.44 * 0.5 / (0.5 + 1.44), Score("dog runs", "dog runs on grass"), 1e-15);
        Assert.Equal(0.628866, Score("dog runs", "dog runs on grass"), 1e-6);
    }

    [Fact]
    public void Score_LongerCandidate()
    {
        // LCS 2: P = 2/4, R = 2/2 = 1: F = 2.44 * 0.5 / (1 + 0.72) = 0.709302.
        Assert.Equal(2.44 * 0.5 / (1 + 1.44 * 0.5), Score("dog runs on grass", "dog runs"), 1e-15);
    }

    [Fact]
    public void Score_TakesBestPrecisionAndBestRecallFromDifferentReferences()
    {
        // Reference 1 "dog runs": LCS 2, P = 2/3, R = 1. Reference 2 of 7 words: LCS 3, P = 1, R = 3/7.
        // Best P = 1 and best R = 1 come from different references, so F = 1.
        Assert.Equal(1.0, Score("dog runs fast", "dog runs", "dog runs fast today again and more"), 1e-15);
    }

    [Fact]
    public void Score_RepeatedWords()
    {
        // "the the the" vs "the cat on the mat": LCS 2, P = 2/3, R = 2/5:
        // F = 2.44 * (2/3) * (2/5) / (2/5 + 1.44 * 2/3) = 0.650667 / 1.36 = 0.478431.
        Assert.Equal(0.478431, Score("the the the", "the cat on the mat"), 1e-6);
    }

    [Fact]
    public void Score_EmptyCandidateMatchesAnEmptyReference()
    {
        // rouge.py splits "" into [""], so two empty captions share their one empty token: P = R = 1.
        Assert.Equal(1.0, Score("", ""), 1e-15);
    }
}
