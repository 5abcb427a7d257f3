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
    public static Figure Projection(FeatureStore store, CaptionDataset dataset, IReadOnlyList<string> words, Split split = Split.Test, int maxImages = 1000) =>
        Map(store, dataset, split, maxImages).By(words).Figure();

    /// <summary>
    /// The PCA map behind <see cref="Projection"/>: the first two principal components of the features of up to
    /// <paramref name="maxImages"/> images of <paramref name="split"/>, not yet labelled (see <see cref="FeatureMap.By"/>).
    /// </summary>
    public static FeatureMap Map(FeatureStore store, CaptionDataset dataset, Split split = Split.Test, int maxImages = 1000)
    {
        var images = dataset.InSplit(split).Where(i => store.Contains(i.Id)).Take(maxImages).ToList();
        if (images.Count < 2) throw new CaptioningException($"feature store '{store.Path}' holds fewer than 2 {split} images of the dataset; extract features first");
        return new FeatureMap(store.Header.Identity.Encoder, split, images, Pca.Project(images.Select(i => store.Read(i.Id)).ToList()));
    }

    /// <summary>Splits a parameter such as "red green blue" into words.</summary>
    public static IReadOnlyList<string> Words(string spaceSeparated) =>
        spaceSeparated.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
