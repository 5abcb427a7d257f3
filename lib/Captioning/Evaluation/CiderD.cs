namespace Captioning.Evaluation;

/// <summary>
/// CIDEr-D as coco-caption's cider_scorer.py computes it: tf-idf vectors of 1- to 4-grams with
/// document frequencies from the evaluated images' references, clipped candidate weights, a
/// Gaussian length penalty (sigma 6), averaged over references and orders, times 10.
/// </summary>
public static class CiderD
{
    /// <summary>Width of the Gaussian length penalty.</summary>
    public const double Sigma = 6.0;

    private const int MaxOrder = 4;

    /// <summary>Per-image CIDEr-D scores; the corpus score is their mean. Document frequencies come from these references only.</summary>
    public static double[] Score(IReadOnlyList<IReadOnlyList<string[]>> references, IReadOnlyList<string[]> candidates)
    {
        if (references.Count != candidates.Count) throw new ArgumentException("one reference list per candidate is required", nameof(references));
        var cookedRefs = references.Select(refs => refs.Select(Cook).ToArray()).ToArray();
        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var refs in cookedRefs)
        {
            foreach (var gram in refs.SelectMany(r => r.Keys).Distinct(StringComparer.Ordinal))
            {
                documentFrequency[gram] = documentFrequency.GetValueOrDefault(gram) + 1;
            }
        }
        // With one image every reference n-gram has df = N, so every weight log(N) - log(df) is 0
        // and the score is 0: CIDEr is only meaningful over a set of images.
        var refLength = Math.Log(references.Count);

        var scores = new double[candidates.Count];
        for (var i = 0; i < candidates.Count; i++)
        {
            var hyp = Vectorise(Cook(candidates[i]), documentFrequency, refLength);
            var total = new double[MaxOrder];
            foreach (var reference in cookedRefs[i])
            {
                var sim = Similarity(hyp, Vectorise(reference, documentFrequency, refLength));
                for (var n = 0; n < MaxOrder; n++) total[n] += sim[n];
            }
            var mean = (total[0] + total[1] + total[2] + total[3]) / MaxOrder;
            mean /= cookedRefs[i].Length;
            scores[i] = mean * 10.0;
        }
        return scores;
    }

    private sealed record TfIdf(Dictionary<string, double>[] Weights, double[] Norms, int Length);

    // All n-grams of orders 1..4 in coco-caption's insertion order (order, then position).
    private static Dictionary<string, int> Cook(string[] words)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var n = 1; n <= MaxOrder; n++)
        {
            foreach (var (gram, count) in NGrams.Count(words, n)) counts[gram] = count;
        }
        return counts;
    }

    private static TfIdf Vectorise(Dictionary<string, int> counts, Dictionary<string, int> documentFrequency, double refLength)
    {
        var weights = Enumerable.Range(0, MaxOrder).Select(_ => new Dictionary<string, double>(StringComparer.Ordinal)).ToArray();
        var norms = new double[MaxOrder];
        var length = 0;
        foreach (var (gram, termFrequency) in counts)
        {
            var df = Math.Log(Math.Max(1.0, documentFrequency.GetValueOrDefault(gram)));
            var n = NGrams.Order(gram) - 1;
            var weight = termFrequency * (refLength - df);
            weights[n][gram] = weight;
            norms[n] += weight * weight;
            // cider_scorer.py counts the length at index 1, i.e. bigrams: len - 1 words. Kept for parity.
            if (n == 1) length += termFrequency;
        }
        for (var n = 0; n < MaxOrder; n++) norms[n] = Math.Sqrt(norms[n]);
        return new TfIdf(weights, norms, length);
    }

    private static double[] Similarity(TfIdf hyp, TfIdf reference)
    {
        var delta = (double)(hyp.Length - reference.Length);
        var penalty = Math.Pow(Math.E, -(delta * delta) / (2 * Sigma * Sigma));
        var values = new double[MaxOrder];
        for (var n = 0; n < MaxOrder; n++)
        {
            foreach (var (gram, weight) in hyp.Weights[n])
            {
                var refWeight = reference.Weights[n].GetValueOrDefault(gram);
                values[n] += Math.Min(weight, refWeight) * refWeight;
            }
            // The maintained pycocoevalcap skips the division for a zero vector (an empty caption, or
            // idf 0 everywhere) instead of producing NaN; the numerator is 0 then anyway.
            if (hyp.Norms[n] != 0 && reference.Norms[n] != 0) values[n] /= hyp.Norms[n] * reference.Norms[n];
            values[n] *= penalty;
        }
        return values;
    }
}
