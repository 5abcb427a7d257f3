using System.Globalization;
using System.Text;
using Captioning.Data;

namespace Captioning.Evaluation;

/// <summary>One n-gram order of a <see cref="BleuWorkedExample"/>: the candidate's n-grams, how many of them a reference backs (clipped), and their ratio.</summary>
/// <param name="N">The n-gram order, 1 to 4.</param>
/// <param name="Clipped">Candidate n-grams matched by a reference, each counted at most as often as it occurs in the one reference that has it most.</param>
/// <param name="Total">The candidate's n-grams: its length minus n plus one, or 0.</param>
/// <param name="Precision"><paramref name="Clipped"/> / <paramref name="Total"/>, or 0 when the candidate has no n-gram of this order.</param>
public sealed record BleuOrder(int N, int Clipped, int Total, double Precision);

/// <summary>
/// BLEU worked through for one candidate caption: the clipped n-gram precisions p1..p4, the brevity
/// penalty BP = exp(1 - r/c) when the candidate (length c) is shorter than the closest reference
/// (length r), else 1, and BLEU-n = BP · (p1 · … · pn)^(1/n), the geometric mean of the first n
/// precisions. Without smoothing: an order with no match makes every BLEU-n from it on 0.
/// <para>
/// Over a test set, coco-caption and NLTK's <c>corpus_bleu</c> add the clipped counts, the n-gram
/// totals and both lengths over all images before dividing: corpus BLEU is not the mean of these
/// per-caption values. For one image, coco-caption's value equals this one up to its 1e-15 / 1e-9
/// constants, and NLTK's <c>sentence_bleu</c> with weights (1/n, …, 1/n) equals it whenever every
/// order up to n has a match.
/// </para>
/// </summary>
public sealed class BleuWorkedExample
{
    private BleuWorkedExample(string[] candidate, IReadOnlyList<string[]> references, IReadOnlyList<BleuOrder> orders,
        int referenceLength, double brevityPenalty, double[] bleu)
    {
        Candidate = candidate;
        References = references;
        Orders = orders;
        ReferenceLength = referenceLength;
        BrevityPenalty = brevityPenalty;
        Bleu = bleu;
    }

    /// <summary>The candidate's words.</summary>
    public IReadOnlyList<string> Candidate { get; }

    /// <summary>The reference captions' words.</summary>
    public IReadOnlyList<string[]> References { get; }

    /// <summary>Orders 1 to 4.</summary>
    public IReadOnlyList<BleuOrder> Orders { get; }

    /// <summary>The candidate's length c.</summary>
    public int CandidateLength => Candidate.Count;

    /// <summary>The reference length r closest to c (the shorter one on a tie, as coco-caption and NLTK do).</summary>
    public int ReferenceLength { get; }

    /// <summary>exp(1 - r/c) when c &lt; r (0 for an empty candidate), else 1.</summary>
    public double BrevityPenalty { get; }

    /// <summary>BLEU-1..4 of this caption alone, on 0-1.</summary>
    public IReadOnlyList<double> Bleu { get; }

    /// <summary>Works BLEU through for <paramref name="candidate"/> against <paramref name="references"/> (tokenised, at least one).</summary>
    public static BleuWorkedExample Of(IReadOnlyList<string[]> references, string[] candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var counts = CocoBleu.Count(references, candidate); // throws for an empty reference list
        var orders = Enumerable.Range(0, CocoBleu.MaxOrder)
            .Select(k => new BleuOrder(k + 1, counts.Correct[k], counts.Guess[k],
                counts.Guess[k] == 0 ? 0 : (double)counts.Correct[k] / counts.Guess[k]))
            .ToArray();
        var c = candidate.Length;
        var r = counts.RefLength;
        var penalty = c >= r ? 1.0 : c == 0 ? 0.0 : Math.Exp(1 - (double)r / c);
        var bleu = new double[CocoBleu.MaxOrder];
        var logSum = 0.0;
        for (var n = 1; n <= CocoBleu.MaxOrder; n++)
        {
            var p = orders[n - 1].Precision;
            logSum = p == 0 || double.IsNegativeInfinity(logSum) ? double.NegativeInfinity : logSum + Math.Log(p);
            bleu[n - 1] = penalty * Math.Exp(logSum / n);
        }
        return new BleuWorkedExample(candidate, references, orders, r, penalty, bleu);
    }

    /// <summary>
    /// Works BLEU through for raw captions, tokenised as the scorer tokenises them (<see cref="CaptionText.Tokens"/>
    /// with <paramref name="cleaner"/>, default the tutorial's cleaning).
    /// </summary>
    public static BleuWorkedExample Of(IEnumerable<string> references, string candidate, CaptionCleaner? cleaner = null)
    {
        cleaner ??= CaptionCleaner.Tutorial;
        return Of(references.Select(r => CaptionText.Tokens(r, cleaner)).ToList(), CaptionText.Tokens(candidate, cleaner));
    }

    /// <summary>The worked example as text: one line per order, then the brevity penalty and BLEU-1..4.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"candidate: {string.Join(' ', Candidate)}");
        foreach (var order in Orders)
        {
            text.AppendLine(inv, $"p{order.N} = {order.Clipped}/{order.Total} = {order.Precision:F3}");
        }
        text.AppendLine(inv, $"c = {CandidateLength}, r = {ReferenceLength}, BP = {(CandidateLength >= ReferenceLength ? "1" : $"exp(1 - {ReferenceLength}/{CandidateLength})")} = {BrevityPenalty:F3}");
        for (var n = 1; n <= Bleu.Count; n++)
        {
            var factors = string.Join(" · ", Orders.Take(n).Select(o => o.Precision.ToString("F3", inv)));
            text.AppendLine(inv, $"BLEU-{n} = BP · ({factors})^(1/{n}) = {Bleu[n - 1]:F3}");
        }
        return text.ToString().TrimEnd();
    }
}
