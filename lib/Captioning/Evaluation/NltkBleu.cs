namespace Captioning.Evaluation;

/// <summary>One image's sufficient statistics for NLTK corpus BLEU: lengths and, per order 1..4, clipped matches and the per-sentence denominator max(1, n-grams).</summary>
internal sealed record NltkBleuCounts(int HypothesisLength, int RefLength, int[] Numerators, int[] Denominators);

/// <summary>
/// <c>nltk.translate.bleu_score.corpus_bleu</c> of NLTK 3.8 without smoothing, with the tutorial's
/// four weight tuples: exactly 0 when no unigram matches, <c>sys.float_info.min</c> standing in for
/// a higher order without matches, and NLTK's exact sum (math.fsum) of the weighted logarithms.
/// </summary>
public static class NltkBleu
{
    /// <summary>Python's sys.float_info.min, which NLTK's method0 substitutes for a precision with zero matches.</summary>
    public const double FloatInfoMin = 2.2250738585072014e-308;

    /// <summary>The tutorial's weights for BLEU-1..4; BLEU-3's (0.3, 0.3, 0.3, 0) sum to 0.9, which NLTK uses as given.</summary>
    public static IReadOnlyList<double[]> TutorialWeights { get; } =
    [
        [1.0, 0, 0, 0],
        [0.5, 0.5, 0, 0],
        [0.3, 0.3, 0.3, 0],
        [0.25, 0.25, 0.25, 0.25],
    ];

    private const int MaxOrder = 4;

    /// <summary>NLTK corpus BLEU-1..4 (tutorial weights) of <paramref name="candidates"/> against <paramref name="references"/>.</summary>
    public static double[] Score(IReadOnlyList<IReadOnlyList<string[]>> references, IReadOnlyList<string[]> candidates)
    {
        if (references.Count != candidates.Count) throw new ArgumentException("one reference list per candidate is required", nameof(references));
        var counts = candidates.Select((c, i) => Count(references[i], c)).ToArray();
        return Aggregate(counts, Enumerable.Range(0, counts.Length));
    }

    internal static NltkBleuCounts Count(IReadOnlyList<string[]> references, string[] hypothesis)
    {
        if (references.Count == 0) throw new ArgumentException("an image needs at least one reference", nameof(references));
        var numerators = new int[MaxOrder];
        var denominators = new int[MaxOrder];
        for (var n = 1; n <= MaxOrder; n++)
        {
            var counts = NGrams.Count(hypothesis, n);
            var maxRef = CocoBleu.MaxReferenceCounts(references, n);
            var total = 0;
            foreach (var (gram, count) in counts)
            {
                numerators[n - 1] += Math.Min(count, maxRef.GetValueOrDefault(gram));
                total += count;
            }
            // modified_precision's Fraction(numerator, max(1, total)): short sentences still add 1.
            denominators[n - 1] = Math.Max(1, total);
        }
        return new NltkBleuCounts(hypothesis.Length, CocoBleu.ClosestLength(references, hypothesis.Length), numerators, denominators);
    }

    /// <summary>BLEU-1..4 over the images at <paramref name="indices"/> (repeats allowed).</summary>
    internal static double[] Aggregate(IReadOnlyList<NltkBleuCounts> counts, IEnumerable<int> indices)
    {
        long hypLength = 0, refLength = 0;
        var numerators = new long[MaxOrder];
        var denominators = new long[MaxOrder];
        foreach (var i in indices)
        {
            var c = counts[i];
            hypLength += c.HypothesisLength;
            refLength += c.RefLength;
            for (var k = 0; k < MaxOrder; k++)
            {
                numerators[k] += c.Numerators[k];
                denominators[k] += c.Denominators[k];
            }
        }

        var scores = new double[TutorialWeights.Count];
        if (numerators[0] == 0) return scores;

        var precisions = new double[MaxOrder];
        for (var k = 0; k < MaxOrder; k++)
        {
            precisions[k] = numerators[k] != 0 ? (double)numerators[k] / denominators[k] : FloatInfoMin;
        }
        var penalty = BrevityPenalty(refLength, hypLength);
        for (var w = 0; w < scores.Length; w++)
        {
            var weights = TutorialWeights[w];
            var terms = new double[MaxOrder];
            for (var k = 0; k < MaxOrder; k++) terms[k] = weights[k] * Math.Log(precisions[k]);
            scores[w] = penalty * Math.Exp(ExactSum.Of(terms));
        }
        return scores;
    }

    /// <summary>NLTK's brevity_penalty: 1 for a longer hypothesis, 0 for an empty one, else exp(1 - r / c).</summary>
    internal static double BrevityPenalty(long closestRefLength, long hypothesisLength)
    {
        if (hypothesisLength > closestRefLength) return 1;
        if (hypothesisLength == 0) return 0;
        return Math.Exp(1 - (double)closestRefLength / hypothesisLength);
    }
}
