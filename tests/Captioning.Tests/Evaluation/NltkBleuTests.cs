using Captioning.Evaluation;
using Xunit;

namespace Captioning.Tests.Evaluation;

// Hand computations follow NLTK 3.8 corpus_bleu: p_n = sum clipped matches / sum max(1, n-grams)
// per sentence, 0 overall when p_1 has no match, sys.float_info.min for another empty order,
// BP = exp(1 - r/c) for c <= r, score = BP * exp(sum w_n log p_n) with the tutorial's weights.
public sealed class NltkBleuTests
{
    private static string[] W(string text) => text.Length == 0 ? [] : text.Split(' ');

    private static double[] Score(string candidate, params string[] references) =>
        NltkBleu.Score([references.Select(W).ToArray()], [W(candidate)]);

    [Fact]
    public void Score_ExactMatchIsExactlyOne()
    {
        // Every p_n = 1 and c = r, so BP = exp(0) = 1 and every weighted sum is 0.
        Assert.Equal([1.0, 1.0, 1.0, 1.0], Score("dog runs on the grass", "dog runs on the grass"));
    }

    [Fact]
    public void Score_NoUnigramMatchIsExactlyZero()
    {
        Assert.Equal([0.0, 0.0, 0.0, 0.0], Score("cat sleeps", "dog runs"));
    }

    [Fact]
    public void Score_EmptyCandidateIsExactlyZero()
    {
        Assert.Equal([0.0, 0.0, 0.0, 0.0], Score("", "dog runs"));
    }

    [Fact]
    public void Score_MissingFourGramsUseFloatInfoMin()
    {
        // "dog runs fast" exact: p_1..p_3 = 1, no 4-gram, so p_4 = 2.2250738585072014e-308 and BLEU-4 =
        // exp(0.25 * ln(2.225e-308)) = exp(-177.099) ~ 1.2e-77; BLEU-3's weight on p_4 is 0, so it stays 1.
        var bleu = Score("dog runs fast", "dog runs fast");
        Assert.Equal(1.0, bleu[0]);
        Assert.Equal(1.0, bleu[2]);
        Assert.Equal(Math.Exp(0.25 * Math.Log(NltkBleu.FloatInfoMin)), bleu[3]);
        Assert.InRange(bleu[3], 1.2e-77, 1.3e-77);
    }

    [Fact]
    public void Score_LongerCandidateUsesTheTutorialWeights()
    {
        // p = 4/5, 2/4, 1/3, 0 (-> float min); c = 5 > r = 4, BP = 1.
        // BLEU-3 with (0.3, 0.3, 0.3, 0) = (0.8 * 0.5 / 3)^0.3 = 0.546363, not a geometric mean.
        var bleu = Score("dog runs on green grass", "dog runs on grass");
        Assert.Equal(0.8, bleu[0], 1e-15);
        Assert.Equal(0.632455532, bleu[1], 1e-9);
        Assert.Equal(Math.Pow(0.8 * 0.5 / 3, 0.3), bleu[2], 1e-15);
        Assert.Equal(0.5463634277, bleu[2], 1e-10);
    }

    [Fact]
    public void Score_ShorterCandidateIsPenalised()
    {
        // "dog runs" vs "dog runs on grass": p_1 = p_2 = 1, BP = exp(1 - 4/2) = e^-1 = 0.367879.
        var bleu = Score("dog runs", "dog runs on grass");
        Assert.Equal(Math.Exp(-1), bleu[0], 1e-15);
        Assert.Equal(Math.Exp(-1), bleu[1], 1e-15);
    }

    [Fact]
    public void Score_ClosestLengthTieTakesTheShorterReference()
    {
        // c = 3, references of 2 and 4 words: r = 2 (shorter on the tie), c > r so BP = 1; p_1 = 3/3.
        var bleu = Score("dog runs fast", "dog runs", "dog runs very fast");
        Assert.Equal(1.0, bleu[0]);
        Assert.Equal(Math.Sqrt(0.5), bleu[1], 1e-15);
    }

    [Fact]
    public void Score_RepeatedWordsAreClipped()
    {
        // "the the the" vs "the cat on the mat": p_1 = min(3, 2) / 3 = 2/3, BP = exp(1 - 5/3).
        var bleu = Score("the the the", "the cat on the mat");
        Assert.Equal(2.0 / 3 * Math.Exp(1 - 5.0 / 3), bleu[0], 1e-15);
        Assert.Equal(0.342278079, bleu[0], 1e-9);
    }

    [Fact]
    public void Score_ShortSentencesAddOneToHigherOrderDenominators()
    {
        // Image 1 "dog" has no bigram but NLTK still adds max(1, 0) = 1 to the bigram denominator:
        // p_2 = (0 + 1) / (1 + 1) = 1/2, so BLEU-2 = sqrt(1 * 1/2) where coco-caption gives ~1.
        var bleu = NltkBleu.Score([[W("dog")], [W("cat sat")]], [W("dog"), W("cat sat")]);
        Assert.Equal(1.0, bleu[0]);
        Assert.Equal(Math.Sqrt(0.5), bleu[1], 1e-15);
    }
}
