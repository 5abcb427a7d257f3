using Captioning.Data;
using Captioning.Reports;

namespace Captioning.Workbook;

/// <summary>The plots and sample gallery of notebook 01: what the captions look like after cleaning.</summary>
public static class DataFigures
{
    /// <summary>Words per caption after the tutorial's cleaning, over every caption of the dataset.</summary>
    public static IReadOnlyList<int> CaptionLengths(CaptionDataset dataset, CaptionCleaner? cleaner = null)
    {
        cleaner ??= CaptionCleaner.Tutorial;
        return dataset.Images.SelectMany(i => i.Captions).Select(c => cleaner.Tokens(c).Length).ToList();
    }

    /// <summary>The <paramref name="top"/> most frequent cleaned words of the training captions, most frequent first (ties in word order).</summary>
    public static IReadOnlyList<(string Word, int Count)> TopWords(CaptionDataset dataset, int top, CaptionCleaner? cleaner = null)
    {
        if (top < 1) throw new CaptioningException($"top must be at least 1, got {top}");
        cleaner ??= CaptionCleaner.Tutorial;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var caption in dataset.InSplit(Split.Train).SelectMany(i => i.Captions))
            foreach (var word in cleaner.Tokens(caption))
                counts[word] = counts.GetValueOrDefault(word) + 1;
        return counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(top)
            .Select(kv => (kv.Key, kv.Value)).ToList();
    }

    /// <summary>A histogram of caption lengths in words.</summary>
    public static Figure CaptionLengthHistogram(CaptionDataset dataset, CaptionCleaner? cleaner = null)
    {
        var lengths = CaptionLengths(dataset, cleaner);
        var figure = new Figure("Caption length after cleaning", "words per caption", "captions") { ShowLegend = false, Height = 360 };
        return figure.AddHistogram("captions", lengths.Select(l => (double)l).ToList());
    }

    /// <summary>A bar chart of the most frequent training words.</summary>
    public static Figure WordFrequencyBars(CaptionDataset dataset, int top = 25, CaptionCleaner? cleaner = null)
    {
        var words = TopWords(dataset, top, cleaner);
        var figure = new Figure($"The {words.Count} most frequent training words", "word", "occurrences") { ShowLegend = false, Height = 360 };
        return figure.AddBar("occurrences", words.Select(w => w.Word).ToList(), words.Select(w => (double)w.Count).ToList());
    }

    /// <summary>The first <paramref name="count"/> images of a split with their raw captions; the caption line shows the first one cleaned.</summary>
    public static CaptionGallery SampleGallery(CaptionDataset dataset, int count = 8, Split split = Split.Train, CaptionCleaner? cleaner = null)
    {
        cleaner ??= CaptionCleaner.Tutorial;
        var gallery = new CaptionGallery($"{count} {split.ToString().ToLowerInvariant()} images: first caption cleaned, then all references as written", thumbnailSize: 160);
        foreach (var image in dataset.InSplit(split).Take(count))
            gallery.AddFile(image.Id, image.Path, "cleaned: " + cleaner.Clean(image.Captions.FirstOrDefault() ?? ""), image.Captions);
        return gallery;
    }
}
