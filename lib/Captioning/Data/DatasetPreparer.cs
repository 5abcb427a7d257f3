using System.Globalization;
using System.Text;

namespace Captioning.Data;

/// <summary>Options of <see cref="DatasetPreparer.Prepare"/>.</summary>
/// <param name="MinCount">Minimum training count for a word to enter the vocabulary.</param>
/// <param name="KeepSingleLetters">Keep one-letter words such as "a" when cleaning.</param>
/// <param name="SkipMissing">Skip (and count) split entries without captions or image file.</param>
/// <param name="Restval">Where Karpathy "restval" images go.</param>
public sealed record PrepareOptions(int MinCount = 1, bool KeepSingleLetters = false, bool SkipMissing = false, RestvalPolicy Restval = RestvalPolicy.Train);

/// <summary>Figures of a prepared dataset, as printed and written to summary.txt.</summary>
/// <param name="Images">Images per split.</param>
/// <param name="Captions">Captions over all images.</param>
/// <param name="EmptyCaptions">Captions that were empty before or after cleaning (kept, as empty lines).</param>
/// <param name="Skipped">Split entries left out by --skip-missing or the restval option.</param>
/// <param name="DescriptionWords">Distinct cleaned words over all captions (the tutorial's "Vocabulary Size: 8,763").</param>
/// <param name="VocabularySize">Ids in the training vocabulary, four specials included.</param>
/// <param name="MaxLength">Most words in one training caption.</param>
public sealed record PrepareSummary(IReadOnlyDictionary<Split, int> Images, int Captions, int EmptyCaptions, int Skipped,
    int DescriptionWords, int VocabularySize, int MaxLength)
{
    /// <summary>The summary as the lines printed by `caption prepare`.</summary>
    public IReadOnlyList<string> Lines()
    {
        string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
        return
        [
            $"Loaded: {N(Images.Values.Sum())} images ({string.Join(", ", Images.Select(p => $"{p.Key.ToString().ToLowerInvariant()} {N(p.Value)}"))})",
            $"Captions: {N(Captions)} ({N(EmptyCaptions)} empty)",
            $"Skipped: {N(Skipped)}",
            $"Vocabulary Size: {N(DescriptionWords)} (distinct cleaned words over all captions)",
            $"Training vocabulary: {N(VocabularySize)} ids including <pad> <start> <end> <unk>",
            $"Max caption length: {N(MaxLength)} words (training, without <start>/<end>)",
        ];
    }
}

/// <summary>`caption prepare`: loads a dataset, cleans its captions and writes descriptions.txt, vocabulary.json and summary.txt.</summary>
public static class DatasetPreparer
{
    /// <summary>Cleaned captions, one "&lt;id&gt; &lt;caption&gt;" a line, as the tutorial writes them.</summary>
    public const string DescriptionsFile = "descriptions.txt";
    /// <summary>The vocabulary JSON.</summary>
    public const string VocabularyFile = "vocabulary.json";
    /// <summary>The printed summary.</summary>
    public const string SummaryFile = "summary.txt";

    /// <summary>Loads the Flickr8k layout under <paramref name="dataDir"/> (or <paramref name="karpathyJson"/> with images under <paramref name="dataDir"/>) and writes the outputs.</summary>
    public static PrepareSummary Prepare(string dataDir, string? karpathyJson, string outDir, PrepareOptions? options = null)
    {
        options ??= new PrepareOptions();
        var dataset = Load(dataDir, karpathyJson, options);
        var cleaner = new CaptionCleaner(options.KeepSingleLetters);
        var descriptions = new StringBuilder();
        var allWords = new HashSet<string>(StringComparer.Ordinal);
        var training = new List<string[]>();
        var empty = 0;
        foreach (var image in dataset.Images)
        {
            foreach (var caption in image.Captions)
            {
                var tokens = cleaner.Tokens(caption);
                if (tokens.Length == 0) empty++;
                allWords.UnionWith(tokens);
                if (image.Split == Split.Train) training.Add(tokens);
                descriptions.Append(image.Id).Append(' ').Append(string.Join(' ', tokens)).Append('\n');
            }
        }
        if (training.Count == 0) throw new CaptioningException($"{dataset.Source}: no training captions; the vocabulary is built from the train split");
        var vocabulary = Vocabulary.Build(training, options.MinCount);
        var images = Enum.GetValues<Split>().ToDictionary(s => s, s => dataset.Images.Count(i => i.Split == s));
        var summary = new PrepareSummary(images, dataset.CaptionCount, empty, dataset.Skipped.Count, allWords.Count, vocabulary.Count, vocabulary.MaxLength);
        Directory.CreateDirectory(outDir);
        AtomicFile.WriteAllText(Path.Combine(outDir, DescriptionsFile), descriptions.ToString());
        vocabulary.Save(Path.Combine(outDir, VocabularyFile));
        var skippedLines = dataset.Skipped.Select(s => $"skipped {s.Name}: {s.Reason}");
        AtomicFile.WriteAllText(Path.Combine(outDir, SummaryFile), string.Join('\n', summary.Lines().Concat(skippedLines)) + "\n");
        return summary;
    }

    /// <summary>Loads the dataset the way <see cref="Prepare"/> does.</summary>
    public static CaptionDataset Load(string dataDir, string? karpathyJson, PrepareOptions options) =>
        karpathyJson == null
            ? Flickr8kLoader.Load(dataDir, new Flickr8kOptions(options.SkipMissing))
            : KarpathyLoader.Load(karpathyJson, dataDir, new KarpathyOptions(options.Restval, options.SkipMissing));

    /// <summary>Reads descriptions.txt back: image id to cleaned captions, in file order.</summary>
    public static IReadOnlyDictionary<string, List<string>> ReadDescriptions(string path)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var lines = TextLines.Read(path, "descriptions file");
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var space = lines[i].IndexOf(' ');
            if (space <= 0) throw new CaptioningException($"{path}:{i + 1}: expected '<image id> <caption>'");
            var id = lines[i][..space];
            if (!result.TryGetValue(id, out var list)) result[id] = list = [];
            list.Add(lines[i][(space + 1)..]);
        }
        return result;
    }
}
