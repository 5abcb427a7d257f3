namespace Captioning.Evaluation;

/// <summary>One image's sufficient statistics for coco-caption BLEU: lengths and, per order 1..4, candidate n-grams and clipped matches.</summary>
internal sealed record CocoBleuCounts(int TestLength, int RefLength, int[] Guess, int[] Correct);

/// <summary>
/// Corpus BLEU-1..4 as coco-caption's <c>Bleu(4).compute_score</c> returns it (bleu_scorer.py, option
/// "closest"): counts summed over images, the reference length closest to each candidate (ties to
/// the shorter), and the constants tiny = 1e-15 and small = 1e-9 in every ratio, so an order with
/// no match gives a tiny positive value instead of 0.
/// </summary>
public static class CocoBleu
{
    /// <summary>Added to every match count and to the candidate length (coco-caption's "tiny").</summary>
    public const double Tiny = 1e-15;

    /// <summary>Added to every n-gram total and to the reference length (coco-caption's "small").</summary>
    public const double Small = 1e-9;

    /// <summary>Highest n-gram order.</summary>
    public const int MaxOrder = 4;

    /// <summary>Corpus BLEU-1..4 of <paramref name="candidates"/> (one token array per image) against <paramref name="references"/> (token arrays per image).</summary>
    public static double[] Score(IReadOnlyList<IReadOnlyList<string[]>> references, IReadOnlyList<string[]> candidates)
    {
        if (references.Count != candidates.Count) throw new ArgumentException("one reference list per candidate is required", nameof(references));
        var counts = candidates.Select((c, i) => Count(references[i], c)).ToArray();
        return Aggregate(counts, Enumerable.Range(0, counts.Length));
    }

    internal static CocoBleuCounts Count(IReadOnlyList<string[]> references, string[] candidate)
    {
        if (references.Count == 0) throw new ArgumentException("an image needs at least one reference", nameof(references));
        var guess = new int[MaxOrder];
        var correct = new int[MaxOrder];
        for (var n = 1; n <= MaxOrder; n++)
        {
            var maxRef = MaxReferenceCounts(references, n);
            // coco-caption counts max(0, len - n + 1) n-grams; a short candidate adds nothing here.
            guess[n - 1] = Math.Max(0, candidate.Length - n + 1);
            foreach (var (gram, count) in NGrams.Count(candidate, n))
            {
                correct[n - 1] += Math.Min(maxRef.GetValueOrDefault(gram), count);
            }
        }
        return new CocoBleuCounts(candidate.Length, ClosestLength(references, candidate.Length), guess, correct);
    }

    /// <summary>The reference length closest to <paramref name="candidateLength"/>, the shorter one on a tie (coco-caption and NLTK agree here).</summary>
    internal static int ClosestLength(IReadOnlyList<string[]> references, int candidateLength)
    {
        var best = references[0].Length;
        foreach (var reference in references)
        {
            var length = reference.Length;
            var distance = Math.Abs(length - candidateLength);
            var bestDistance = Math.Abs(best - candidateLength);
            if (distance < bestDistance || (distance == bestDistance && length < best)) best = length;
        }
        return best;
    }

    internal static Dictionary<string, int> MaxReferenceCounts(IReadOnlyList<string[]> references, int order)
    {
        var max = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var reference in references)
        {
            foreach (var (gram, count) in NGrams.Count(reference, order))
            {
                if (count > max.GetValueOrDefault(gram)) max[gram] = count;
            }
        }
        return max;
    }

    /// <summary>BLEU-1..4 over the images at <paramref name="indices"/> (repeats allowed, as a bootstrap sample needs).</summary>
    internal static double[] Aggregate(IReadOnlyList<CocoBleuCounts> counts, IEnumerable<int> indices)
    {
        long testLength = 0, refLength = 0;
        var guess = new long[MaxOrder];
        var correct = new long[MaxOrder];
        foreach (var i in indices)
        {
            var c = counts[i];
            testLength += c.TestLength;
            refLength += c.RefLength;
            for (var k = 0; k < MaxOrder; k++)
            {
                guess[k] += c.Guess[k];
                correct[k] += c.Correct[k];
            }
        }

        var bleus = new double[MaxOrder];
        // The ratio keeps the constants too, so an empty corpus gets a penalty of exp(1 - 1e6) = 0.
        var ratio = (testLength + Tiny) / (refLength + Small);
        for (var n = 1; n <= MaxOrder; n++)
        {
            var product = 1.0;
            for (var k = 0; k < n; k++) product *= (correct[k] + Tiny) / (guess[k] + Small);
            bleus[n - 1] = Math.Pow(product, 1.0 / n);
            if (ratio < 1) bleus[n - 1] *= Math.Exp(1 - 1 / ratio);
        }
        return bleus;
    }
}
