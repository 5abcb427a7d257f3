using static TorchSharp.torch;

namespace Captioning.Inference;

/// <summary>
/// Reference points a trained captioner must beat: one caption for every image, and caption
/// retrieval from the nearest training images in feature space (Devlin et al. 2015's consensus
/// re-ranking, on cleaned captions).
/// </summary>
public static class Baselines
{
    /// <summary>The most frequent cleaned training caption (ties: the alphabetically first).</summary>
    public static string MostFrequentCaption(IEnumerable<string> cleanedTrainingCaptions)
    {
        var counts = cleanedTrainingCaptions.Where(c => c.Length > 0).GroupBy(c => c, StringComparer.Ordinal)
            .Select(g => (Caption: g.Key, Count: g.Count())).ToList();
        if (counts.Count == 0) throw new CaptioningException("no non-empty training captions to take the most frequent one from");
        return counts.OrderByDescending(c => c.Count).ThenBy(c => c.Caption, StringComparer.Ordinal).First().Caption;
    }

    /// <summary>
    /// For each query row, the captions of its <paramref name="k"/> most cosine-similar training
    /// images are pooled and the one agreeing most with the others (mean word-overlap F1) is returned.
    /// </summary>
    /// <param name="queryFeatures">(Q, D) features of the images to caption.</param>
    /// <param name="trainFeatures">(N, D) features of the training images.</param>
    /// <param name="trainCaptions">Cleaned captions of each training image, row-aligned with <paramref name="trainFeatures"/>.</param>
    /// <param name="k">Neighbours pooled.</param>
    public static IReadOnlyList<string> NearestNeighbour(Tensor queryFeatures, Tensor trainFeatures, IReadOnlyList<IReadOnlyList<string>> trainCaptions, int k = 5)
    {
        if (trainFeatures.shape[0] != trainCaptions.Count)
            throw new ArgumentException($"{trainFeatures.shape[0]} training feature rows but captions for {trainCaptions.Count} images");
        k = (int)Math.Min(k, trainFeatures.shape[0]);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var train = Normalise(trainFeatures); // (N, D)
        var neighbours = new List<long[]>();
        const long chunk = 512;
        for (long start = 0; start < queryFeatures.shape[0]; start += chunk)
        {
            using var inner = NewDisposeScope();
            var query = Normalise(queryFeatures.narrow(0, start, Math.Min(chunk, queryFeatures.shape[0] - start)).to(train.device)); // (q, D)
            // mm, not matmul: TorchSharp 0.107's native matmul does not catch LibTorch's errors (RuntimeTests).
            var similarity = query.mm(train.transpose(0, 1)); // (q, N)
            var (_, index) = similarity.topk(k, 1); // (q, k)
            var flat = index.cpu().data<long>().ToArray();
            for (var i = 0; i < flat.Length / k; i++) neighbours.Add(flat.AsSpan(i * k, k).ToArray());
        }
        return neighbours.Select(rows => Consensus(rows.SelectMany(r => trainCaptions[(int)r]).Where(c => c.Length > 0).ToList())).ToList();
    }

    private static Tensor Normalise(Tensor x)
    {
        var f = x.to(ScalarType.Float32);
        var norm = (f * f).sum(1, keepdim: true).sqrt() + 1e-8; // (N, 1)
        return f / norm;
    }

    // The caption with the highest mean unigram F1 against the other pooled captions.
    private static string Consensus(IReadOnlyList<string> captions)
    {
        if (captions.Count == 0) return "";
        var bags = captions.Select(c => c.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var best = 0;
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < bags.Count; i++)
        {
            double sum = 0;
            for (var j = 0; j < bags.Count; j++) if (i != j) sum += OverlapF1(bags[i], bags[j]);
            if (sum > bestScore + 1e-12) (best, bestScore) = (i, sum);
        }
        return captions[best];
    }

    private static double OverlapF1(string[] a, string[] b)
    {
        if (a.Length == 0 || b.Length == 0) return 0;
        var counts = b.GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count());
        var overlap = 0;
        foreach (var w in a)
        {
            if (counts.TryGetValue(w, out var c) && c > 0) { overlap++; counts[w] = c - 1; }
        }
        if (overlap == 0) return 0;
        var p = (double)overlap / a.Length;
        var r = (double)overlap / b.Length;
        return 2 * p * r / (p + r);
    }
}
