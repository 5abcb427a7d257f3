using Captioning.Data;

namespace Captioning.Evaluation;

/// <summary>
/// Scores prediction sets against references with every metric at once, adds seeded bootstrap
/// intervals over images, and compares two prediction sets on the same images with a paired bootstrap.
/// </summary>
public static class CaptionScorer
{
    /// <summary>Scores tokenised <paramref name="candidates"/> (one per image) against tokenised <paramref name="references"/>; sequence markers are stripped, images without a candidate are not scored.</summary>
    public static ScoreReport Score(
        IReadOnlyDictionary<string, string[][]> references,
        IReadOnlyDictionary<string, string[]> candidates,
        BootstrapOptions? bootstrap = null)
    {
        bootstrap = Validate(bootstrap);
        var (ids, stats) = Prepare(references, candidates);
        return Report(ids, stats, bootstrap, Bootstrap.Samples(ids.Length, bootstrap).ToArray());
    }

    /// <summary>Scores raw caption text: both sides cleaned with <paramref name="cleaner"/> (the tutorial's by default) after the markers are removed.</summary>
    public static ScoreReport ScoreText(
        IReadOnlyDictionary<string, IReadOnlyList<string>> references,
        IReadOnlyDictionary<string, string> candidates,
        CaptionCleaner? cleaner = null,
        BootstrapOptions? bootstrap = null)
    {
        cleaner ??= CaptionCleaner.Tutorial;
        return Score(TokeniseReferences(references, cleaner), TokeniseCandidates(candidates, cleaner), bootstrap);
    }

    /// <summary>Scores <paramref name="a"/> and <paramref name="b"/>, which must cover the same images, and compares them metric by metric with paired resamples.</summary>
    public static ComparisonReport Compare(
        IReadOnlyDictionary<string, string[][]> references,
        IReadOnlyDictionary<string, string[]> a,
        IReadOnlyDictionary<string, string[]> b,
        BootstrapOptions? bootstrap = null)
    {
        bootstrap = Validate(bootstrap);
        if (bootstrap.Resamples == 0) throw new CaptioningException("a paired comparison needs bootstrap resamples: use --bootstrap N with N > 0");
        RequireSameImages(a, b);
        var (ids, statsA) = Prepare(references, a);
        var (_, statsB) = Prepare(references, b);
        // The same resampled image sets for both: that pairing is what makes the test sensitive.
        var samples = Bootstrap.Samples(ids.Length, bootstrap).ToArray();
        var reportA = Report(ids, statsA, bootstrap, samples);
        var reportB = Report(ids, statsB, bootstrap, samples);

        var differences = MetricNames.All.ToDictionary(m => m, _ => new double[samples.Length]);
        var wins = MetricNames.All.ToDictionary(m => m, _ => 0);
        for (var s = 0; s < samples.Length; s++)
        {
            var valuesA = statsA.Aggregate(samples[s]);
            var valuesB = statsB.Aggregate(samples[s]);
            foreach (var metric in MetricNames.All)
            {
                differences[metric][s] = valuesA[metric] - valuesB[metric];
                if (valuesA[metric] > valuesB[metric]) wins[metric]++;
            }
        }
        var metrics = MetricNames.All.ToDictionary(m => m, m => new MetricComparison(
            reportA.Values[m],
            reportB.Values[m],
            reportA.Values[m] - reportB.Values[m],
            Bootstrap.Percentiles(differences[m], bootstrap.Confidence),
            wins[m] / (double)samples.Length));
        return new ComparisonReport(reportA, reportB, metrics);
    }

    /// <summary>Raw-text form of <see cref="Compare"/>: both prediction sets and the references cleaned alike.</summary>
    public static ComparisonReport CompareText(
        IReadOnlyDictionary<string, IReadOnlyList<string>> references,
        IReadOnlyDictionary<string, string> a,
        IReadOnlyDictionary<string, string> b,
        CaptionCleaner? cleaner = null,
        BootstrapOptions? bootstrap = null)
    {
        cleaner ??= CaptionCleaner.Tutorial;
        return Compare(TokeniseReferences(references, cleaner), TokeniseCandidates(a, cleaner), TokeniseCandidates(b, cleaner), bootstrap);
    }

    private static ScoreReport Report(string[] ids, ImageStatistics stats, BootstrapOptions bootstrap, int[][] samples)
    {
        var values = stats.Aggregate(Enumerable.Range(0, ids.Length).ToArray());
        var perImage = ids.Select((id, i) => new ImageScore(id, stats.SentenceBleu4(i), stats.Cider(i), stats.Rouge(i))).ToArray();
        var intervals = new Dictionary<Metric, Interval>();
        if (samples.Length > 0)
        {
            var draws = MetricNames.All.ToDictionary(m => m, _ => new double[samples.Length]);
            for (var s = 0; s < samples.Length; s++)
            {
                foreach (var (metric, value) in stats.Aggregate(samples[s])) draws[metric][s] = value;
            }
            foreach (var metric in MetricNames.All) intervals[metric] = Bootstrap.Percentiles(draws[metric], bootstrap.Confidence);
        }
        return new ScoreReport(values, ids.Length, perImage, intervals, bootstrap);
    }

    private static (string[] Ids, ImageStatistics Stats) Prepare(
        IReadOnlyDictionary<string, string[][]> references,
        IReadOnlyDictionary<string, string[]> candidates)
    {
        if (candidates.Count == 0) throw new CaptioningException("there are no candidate captions to score");
        var ids = candidates.Keys.Order(StringComparer.Ordinal).ToArray();
        var missing = ids.Where(id => !references.TryGetValue(id, out var refs) || refs.Length == 0).ToArray();
        if (missing.Length > 0)
        {
            throw new CaptioningException(
                $"{missing.Length} image(s) with a prediction have no reference caption: {Describe(missing)}; " +
                "predict only images that the references file describes, or pass the matching references");
        }
        var refs = ids.Select(id => (IReadOnlyList<string[]>)references[id].Select(CaptionText.StripMarkers).ToArray()).ToArray();
        var cands = ids.Select(id => CaptionText.StripMarkers(candidates[id])).ToArray();
        return (ids, new ImageStatistics(refs, cands));
    }

    private static void RequireSameImages(IReadOnlyDictionary<string, string[]> a, IReadOnlyDictionary<string, string[]> b)
    {
        var onlyA = a.Keys.Where(k => !b.ContainsKey(k)).Order(StringComparer.Ordinal).ToArray();
        var onlyB = b.Keys.Where(k => !a.ContainsKey(k)).Order(StringComparer.Ordinal).ToArray();
        if (onlyA.Length > 0 || onlyB.Length > 0)
        {
            throw new CaptioningException(
                "the two prediction sets must cover the same images for a paired comparison: " +
                $"{onlyA.Length} only in the first ({Describe(onlyA)}), {onlyB.Length} only in the second ({Describe(onlyB)})");
        }
    }

    private static BootstrapOptions Validate(BootstrapOptions? bootstrap)
    {
        bootstrap ??= BootstrapOptions.Default;
        if (bootstrap.Resamples < 0) throw new CaptioningException($"bootstrap resamples must be 0 or more, got {bootstrap.Resamples}");
        if (!(bootstrap.Confidence > 0 && bootstrap.Confidence < 1)) throw new CaptioningException($"bootstrap confidence must lie strictly between 0 and 1, got {bootstrap.Confidence}");
        return bootstrap;
    }

    internal static string Describe(IReadOnlyList<string> ids) =>
        ids.Count == 0 ? "none" : string.Join(", ", ids.Take(5)) + (ids.Count > 5 ? $", ... ({ids.Count - 5} more)" : "");

    private static Dictionary<string, string[][]> TokeniseReferences(IReadOnlyDictionary<string, IReadOnlyList<string>> references, CaptionCleaner cleaner) =>
        references.ToDictionary(p => p.Key, p => p.Value.Select(c => CaptionText.Tokens(c, cleaner)).ToArray(), StringComparer.Ordinal);

    private static Dictionary<string, string[]> TokeniseCandidates(IReadOnlyDictionary<string, string> candidates, CaptionCleaner cleaner) =>
        candidates.ToDictionary(p => p.Key, p => CaptionText.Tokens(p.Value, cleaner), StringComparer.Ordinal);
}
