using System.Globalization;
using Captioning.Data;
using Captioning.Features;
using Captioning.Reports;

namespace Captioning.Workbook;

/// <summary>Notebook 02's look at a feature store: a summary line and a 2-D PCA map coloured by a caption word.</summary>
public static class FeatureFigures
{
    /// <summary>One line about a store: encoder, rows, width, storage type and size on disk.</summary>
    public static string Describe(FeatureStore store) => string.Create(CultureInfo.InvariantCulture,
        $"'{store.Path}': {store.Count} images x {store.Dimension} values from {store.Header.Identity.Encoder}, stored as {FeatureStoreHeader.DTypeName(store.Header.Identity.DType)} ({new FileInfo(store.Path).Length / 1e6:F1} MB)");

    /// <summary>
    /// The word of <paramref name="words"/> that most of <paramref name="captions"/> mention (earlier words win ties),
    /// or "none" when no caption mentions any of them.
    /// </summary>
    public static string DominantWord(IReadOnlyList<string> captions, IReadOnlyList<string> words, CaptionCleaner? cleaner = null)
    {
        cleaner ??= CaptionCleaner.Tutorial;
        var tokenised = captions.Select(c => cleaner.Tokens(c).ToHashSet(StringComparer.Ordinal)).ToList();
        var best = "none";
        var bestCount = 0;
        foreach (var word in words)
        {
            var count = tokenised.Count(t => t.Contains(word));
            if (count > bestCount) (best, bestCount) = (word, count);
        }
        return best;
    }

    /// <summary>
    /// Projects the features of up to <paramref name="maxImages"/> images of <paramref name="split"/> onto their first two
    /// principal components and colours each point by <see cref="DominantWord"/>.
    /// </summary>
    public static Figure Projection(FeatureStore store, CaptionDataset dataset, IReadOnlyList<string> words, Split split = Split.Test, int maxImages = 1000)
    {
        if (words.Count == 0) throw new CaptioningException("the projection needs at least one caption word to colour by (parameter colourWords)");
        var images = dataset.InSplit(split).Where(i => store.Contains(i.Id)).Take(maxImages).ToList();
        if (images.Count < 2) throw new CaptioningException($"feature store '{store.Path}' holds fewer than 2 {split} images of the dataset; extract features first");
        var pca = Pca.Project(images.Select(i => store.Read(i.Id)).ToList());
        var groups = images.Select(i => DominantWord(i.Captions, words)).ToList();
        var title = string.Create(CultureInfo.InvariantCulture,
            $"{store.Header.Identity.Encoder} features of {images.Count} {split.ToString().ToLowerInvariant()} images, PCA (explains {pca.ExplainedVariance[0] * 100:F0}% + {pca.ExplainedVariance[1] * 100:F0}% of the variance)");
        var figure = new Figure(title, "component 1", "component 2") { Height = 480 };
        return figure.AddScatter(pca.Coordinates.Select(c => c[0]).ToList(), pca.Coordinates.Select(c => c[1]).ToList(), groups,
            images.Select(i => i.Id + ": " + (i.Captions.FirstOrDefault() ?? "")).ToList());
    }

    /// <summary>Splits a parameter such as "red green blue" into words.</summary>
    public static IReadOnlyList<string> Words(string spaceSeparated) =>
        spaceSeparated.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
