namespace Captioning.Evaluation;

/// <summary>
/// ROUGE-L as coco-caption's rouge.py computes it: longest common subsequence with each reference,
/// the best precision and the best recall taken separately over the references, then the F-measure
/// with beta = 1.2.
/// </summary>
public static class RougeL
{
    /// <summary>coco-caption's beta, weighting recall over precision.</summary>
    public const double Beta = 1.2;

    /// <summary>The ROUGE-L score of one candidate against its references.</summary>
    public static double Score(IReadOnlyList<string[]> references, string[] candidate)
    {
        if (references.Count == 0) throw new ArgumentException("an image needs at least one reference", nameof(references));
        // rouge.py splits the joined caption on " ", so an empty caption is one empty token: an empty
        // candidate matches an empty reference fully and anything else not at all.
        var c = PythonSplit(candidate);
        double bestPrecision = 0, bestRecall = 0;
        foreach (var reference in references)
        {
            var r = PythonSplit(reference);
            var lcs = LongestCommonSubsequence(r, c);
            bestPrecision = Math.Max(bestPrecision, lcs / (double)c.Length);
            bestRecall = Math.Max(bestRecall, lcs / (double)r.Length);
        }
        if (bestPrecision == 0 || bestRecall == 0) return 0.0;
        var beta2 = Beta * Beta;
        return (1 + beta2) * bestPrecision * bestRecall / (bestRecall + beta2 * bestPrecision);
    }

    /// <summary>Length of the longest common subsequence of two token sequences.</summary>
    internal static int LongestCommonSubsequence(string[] a, string[] b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        foreach (var word in a)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = string.Equals(word, b[j - 1], StringComparison.Ordinal)
                    ? previous[j - 1] + 1
                    : Math.Max(previous[j], current[j - 1]);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private static string[] PythonSplit(string[] tokens) => tokens.Length == 0 ? [""] : tokens;
}
