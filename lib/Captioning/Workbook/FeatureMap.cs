using System.Globalization;
using Captioning.Data;
using Captioning.Reports;
using Microsoft.Data.Analysis;

namespace Captioning.Workbook;

/// <summary>
/// Notebook 02's map of a feature store: the images' positions on the first two principal components, each labelled by
/// the caption word of <see cref="Words"/> that most of its captions use ("none" when they use none of them).
/// </summary>
/// <param name="Encoder">The encoder that produced the features.</param>
/// <param name="Split">The split the images come from.</param>
/// <param name="Images">The images, in the order of <see cref="PcaProjection.Coordinates"/>.</param>
/// <param name="Pca">The projection of their features.</param>
public sealed record FeatureMap(string Encoder, Split Split, IReadOnlyList<CaptionedImage> Images, PcaProjection Pca)
{
    /// <summary>The words the points are labelled by.</summary>
    public IReadOnlyList<string> Words { get; private init; } = [];

    /// <summary>Each image's label: its dominant word of <see cref="Words"/>, or "none" (all "none" until <see cref="By"/>).</summary>
    public IReadOnlyList<string> Labels { get; private init; } = Images.Select(_ => "none").ToList();

    /// <summary>The same map labelled by other <paramref name="words"/> (the projection is reused).</summary>
    public FeatureMap By(IReadOnlyList<string> words)
    {
        if (words.Count == 0) throw new CaptioningException("the projection needs at least one caption word to colour by (parameter colourWords)");
        return this with { Words = words, Labels = Images.Select(i => FeatureFigures.DominantWord(i.Captions, words)).ToList() };
    }

    /// <summary>
    /// The word families of the synthetic scenes' captions, each a candidate for colouring the map: what the background,
    /// the shapes and the layout look like.
    /// </summary>
    public static readonly IReadOnlyList<(string What, string Words)> SyntheticWordSets =
    [
        ("background colour", "white grey black"),
        ("background texture", "plain speckled grainy shaded"),
        ("shape colour", "red green blue yellow orange purple pink"),
        ("shape", "circle square triangle diamond star cross hexagon"),
        ("size", "small big large"),
        ("count", "one two three"),
        ("layout", "corner above next"),
    ];

    /// <summary>The value of notebook 02's colourWords that picks the candidate set with the highest ratio (see <see cref="Colour"/>).</summary>
    public const string BestWords = "best";

    /// <summary>How far apart the words' points lie on the map; images whose captions use none of the words are left out.</summary>
    public GroupSeparation Separation() =>
        GroupSeparation.Measure(Pca.Coordinates.Select(c => c[..2]).ToList(), Labels, ["none"]);

    /// <summary>
    /// One sentence from <see cref="Separation"/>, with the caveat that a map of two directions can hide what the
    /// other directions of the features hold; a note instead when fewer than two of the words label any image.
    /// </summary>
    public string Sentence()
    {
        if (LabelledGroups < 2)
            return $"Fewer than two of the words '{string.Join(" ", Words)}' label any image here, so the map cannot show whether they separate; choose words the captions use.";
        var separation = Separation();
        var sentence = separation.Sentence("On this map, the first two components");
        return separation.Ratio >= GroupSeparation.Separated ? sentence
            : sentence + " The caption model sees every dimension of the features, not only these two, so an overlap here does not prove the features lack the words.";
    }

    /// <summary>
    /// One row per candidate word set: the images each word labels and the between/within variance ratio on this map
    /// (empty when fewer than two of its words label an image), highest ratio first.
    /// </summary>
    public DataFrame Compare(IReadOnlyList<(string What, string Words)> candidates)
    {
        KernelFormatters.EnsureRegistered();
        var rows = candidates.Select(c => (c.What, c.Words, Map: By(FeatureFigures.Words(c.Words))))
            .Select(c => (c.What, c.Words, Labelled: c.Map.Labels.Count(l => l != "none"), Ratio: c.Map.RatioOrNull()))
            .OrderByDescending(r => r.Ratio ?? double.NegativeInfinity).ToList();
        return new DataFrame(
            new StringDataFrameColumn("words of", rows.Select(r => r.What)),
            new StringDataFrameColumn("words", rows.Select(r => r.Words)),
            new Int32DataFrameColumn("images labelled", rows.Select(r => r.Labelled)),
            new DoubleDataFrameColumn("between/within ratio", rows.Select(r => r.Ratio is { } v ? Math.Round(v, 3, MidpointRounding.AwayFromZero) : (double?)null)));
    }

    /// <summary>
    /// The map labelled by <paramref name="colourWords"/> (space-separated), or for <see cref="BestWords"/> by the
    /// candidate set with the highest ratio on this map.
    /// </summary>
    public FeatureMap Colour(string colourWords, IReadOnlyList<(string What, string Words)> candidates)
    {
        if (!string.Equals(colourWords.Trim(), BestWords, StringComparison.OrdinalIgnoreCase)) return By(FeatureFigures.Words(colourWords));
        var best = candidates.Select(c => By(FeatureFigures.Words(c.Words))).MaxBy(m => m.RatioOrNull() ?? double.NegativeInfinity);
        return best ?? throw new CaptioningException("colourWords 'best' needs at least one candidate word set");
    }

    private int LabelledGroups => Labels.Where(l => l != "none").Distinct(StringComparer.Ordinal).Count();

    private double? RatioOrNull() => LabelledGroups < 2 ? null : Separation().Ratio;

    /// <summary>The scatter plot: one point per image, one colour per label, the image's id and first caption on hover.</summary>
    public Figure Figure()
    {
        var title = string.Create(CultureInfo.InvariantCulture,
            $"{Encoder} features of {Images.Count} {Split.ToString().ToLowerInvariant()} images, PCA (explains {Pca.ExplainedVariance[0] * 100:F0}% + {Pca.ExplainedVariance[1] * 100:F0}% of the variance)");
        var figure = new Figure(title, "component 1", "component 2") { Height = 480 };
        return figure.AddScatter(Pca.Coordinates.Select(c => c[0]).ToList(), Pca.Coordinates.Select(c => c[1]).ToList(), Labels,
            Images.Select(i => i.Id + ": " + (i.Captions.FirstOrDefault() ?? "")).ToList());
    }
}
