using Captioning.Data;
using Captioning.Features;

namespace Captioning.Training;

/// <summary>Builds the vocabulary and the per-split training material from a dataset and its feature store.</summary>
public static class TrainingData
{
    /// <summary>The vocabulary of the cleaned training captions (the tutorial: min count 1).</summary>
    public static Vocabulary BuildVocabulary(CaptionDataset dataset, int minCount = 1, CaptionCleaner? cleaner = null)
    {
        cleaner ??= CaptionCleaner.Tutorial;
        var training = dataset.InSplit(Split.Train);
        if (training.Count == 0) throw new CaptioningException($"dataset '{dataset.Source}' has no training images");
        return Vocabulary.Build(training.SelectMany(i => i.Captions).Select(c => (IReadOnlyList<string>)cleaner.Tokens(c)), minCount);
    }

    /// <summary>
    /// Encodes a split's captions and reads its images' features (float32, one row per image).
    /// Every image of the split must be in the store; missing ones are named (the first ten) and counted.
    /// </summary>
    public static SplitData Load(CaptionDataset dataset, Split split, Vocabulary vocabulary, FeatureStore store, CaptionCleaner? cleaner = null)
    {
        var captions = EncodedCaptions.Build(dataset, split, vocabulary, cleaner);
        if (captions.ImageIds.Count == 0) throw new CaptioningException($"dataset '{dataset.Source}' has no {split} images");
        var missing = captions.ImageIds.Where(id => !store.Contains(id)).ToList();
        if (missing.Count > 0)
            throw new CaptioningException($"feature store '{store.Path}' lacks {missing.Count} of the {captions.ImageIds.Count} {split} images " +
                $"(e.g. {string.Join(", ", missing.Take(10))}); rerun `caption extract` on this dataset" +
                (store.Header.Skipped.Count > 0 ? $" (the store skipped {store.Header.Skipped.Count} unreadable images)" : ""));
        return new SplitData(captions, store.ReadIds(captions.ImageIds).DetachFromDisposeScope());
    }

    /// <summary>An identity of the store that a resumed run must match.</summary>
    public static string Fingerprint(FeatureStore store)
    {
        var id = store.Header.Identity;
        return $"{id.Encoder}:{id.WeightsHash}:{id.DatasetFingerprint}:{id.Dimension}";
    }

    /// <summary>The encoder weights' hash inside a <see cref="Fingerprint"/> (its second field), or null when it has none.</summary>
    public static string? WeightsHashOf(string fingerprint)
    {
        var fields = fingerprint.Split(':');
        return fields.Length > 1 ? fields[1] : null;
    }
}
