using System.Globalization;

namespace Captioning.Workbook;

/// <summary>
/// How well labelled points fall into separate groups: the ratio of the between-group to the within-group sum of
/// squares (the spread of the group means around the overall mean, each weighted by its group's size, against the
/// spread of the points around their own group's mean).
/// </summary>
/// <param name="Ratio">Between-group over within-group sum of squares; infinite when every group is a single spot.</param>
/// <param name="Groups">The groups measured, largest first, with their point counts.</param>
/// <param name="FarthestPair">The two groups whose points alone give the largest ratio, or null with fewer than two groups.</param>
/// <param name="FarthestPairRatio">The ratio of <paramref name="FarthestPair"/>'s points alone.</param>
public sealed record GroupSeparation(double Ratio, IReadOnlyList<(string Group, int Count)> Groups, (string First, string Second)? FarthestPair, double FarthestPairRatio)
{
    /// <summary>At or above this ratio the groups count as separated: the labels then account for half of the spread or more.</summary>
    public const double Separated = 1.0;

    /// <summary>Below this ratio the groups count as not separated (the labels account for less than a fifth of the spread).</summary>
    public const double NotSeparated = 0.25;

    /// <summary>The share of the points' total spread that the group labels account for: ratio / (1 + ratio), 0-1.</summary>
    public double Explained => double.IsPositiveInfinity(Ratio) ? 1 : Ratio / (1 + Ratio);

    /// <summary>"separate", "partly separate" or "do not separate", by <see cref="Separated"/> and <see cref="NotSeparated"/>.</summary>
    public string Verdict => Ratio >= Separated ? "separate" : Ratio >= NotSeparated ? "partly separate" : "do not separate";

    /// <summary>
    /// Measures the points of every label except those in <paramref name="ignore"/>; at least two labels must have points.
    /// </summary>
    public static GroupSeparation Measure(IReadOnlyList<double[]> points, IReadOnlyList<string> labels, IReadOnlyCollection<string>? ignore = null)
    {
        if (points.Count != labels.Count) throw new CaptioningException($"separation: {points.Count} points but {labels.Count} labels");
        var kept = Enumerable.Range(0, points.Count).Where(i => ignore == null || !ignore.Contains(labels[i])).ToList();
        var groups = kept.GroupBy(i => labels[i], StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Group: g.Key, Count: g.Count())).ToList();
        if (groups.Count < 2)
            throw new CaptioningException($"separation needs points of at least two groups, got {(groups.Count == 0 ? "none" : "only '" + groups[0].Group + "'")}");
        var ratio = VarianceRatio(kept.Select(i => points[i]).ToList(), kept.Select(i => labels[i]).ToList());
        (string, string)? farthest = null;
        var farthestRatio = double.NegativeInfinity;
        for (var a = 0; a < groups.Count; a++)
            for (var b = a + 1; b < groups.Count; b++)
            {
                var pair = kept.Where(i => labels[i] == groups[a].Group || labels[i] == groups[b].Group).ToList();
                var r = VarianceRatio(pair.Select(i => points[i]).ToList(), pair.Select(i => labels[i]).ToList());
                if (r > farthestRatio) (farthest, farthestRatio) = ((groups[a].Group, groups[b].Group), r);
            }
        return new GroupSeparation(ratio, groups, farthest, farthestRatio);
    }

    /// <summary>Between-group over within-group sum of squares of <paramref name="points"/> labelled <paramref name="labels"/>.</summary>
    public static double VarianceRatio(IReadOnlyList<double[]> points, IReadOnlyList<string> labels)
    {
        var d = points[0].Length;
        var mean = new double[d];
        foreach (var p in points)
            for (var j = 0; j < d; j++) mean[j] += p[j] / points.Count;
        double between = 0, within = 0;
        foreach (var group in Enumerable.Range(0, points.Count).GroupBy(i => labels[i], StringComparer.Ordinal))
        {
            var groupMean = new double[d];
            var n = group.Count();
            foreach (var i in group)
                for (var j = 0; j < d; j++) groupMean[j] += points[i][j] / n;
            for (var j = 0; j < d; j++) between += n * Square(groupMean[j] - mean[j]);
            foreach (var i in group)
                for (var j = 0; j < d; j++) within += Square(points[i][j] - groupMean[j]);
        }
        return within > 0 ? between / within : between > 0 ? double.PositiveInfinity : 0;
    }

    /// <summary>
    /// One sentence for the map of <paramref name="what"/> (e.g. "The first two components"): the verdict, the ratio and
    /// the share of the spread, and the pair of groups that lies farthest apart.
    /// </summary>
    public string Sentence(string what) => string.Create(CultureInfo.InvariantCulture,
        $"{what} {Verdict} {Names()}: between-group / within-group variance ratio {Ratio:F2}, so the words account for {Explained * 100:F0}% of the points' spread on this map") +
        (FarthestPair is { } pair && Groups.Count > 2
            ? string.Create(CultureInfo.InvariantCulture, $"; '{pair.First}' and '{pair.Second}' lie farthest apart (ratio {FarthestPairRatio:F2}).")
            : ".");

    private string Names() => string.Join(", ", Groups.Take(Groups.Count - 1).Select(g => Quote(g))) + " and " + Quote(Groups[^1]);

    private static string Quote((string Group, int Count) g) => string.Create(CultureInfo.InvariantCulture, $"'{g.Group}' ({g.Count})");

    private static double Square(double x) => x * x;
}
