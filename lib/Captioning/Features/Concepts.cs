using Captioning.Data;

namespace Captioning.Features;

/// <summary>
/// The "visual concepts" the small CNN learns (Fang et al. 2015): content words of the training
/// captions, and for each image which of them occur in any of its captions.
/// </summary>
public sealed class Concepts
{
    // Function words say nothing about what is in a picture.
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "the", "of", "in", "on", "at", "is", "are", "and", "to", "an", "with", "there", "it", "its", "this", "that",
        "for", "by", "as", "from", "into", "onto", "while", "who", "which", "has", "have", "be", "being", "some", "his", "her",
        "their", "they", "he", "she", "them", "one", "picture", "image", "photo",
    };

    private readonly Dictionary<string, int> index;

    /// <summary>Creates the concept list from words in order.</summary>
    public Concepts(IReadOnlyList<string> words)
    {
        Words = words;
        index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < words.Count; i++) index.Add(words[i], i);
    }

    /// <summary>The concept words, most frequent first (ties in ordinal order).</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>Number of concepts.</summary>
    public int Count => Words.Count;

    /// <summary>
    /// Content words that occur in the captions of at least <paramref name="minImages"/> training images,
    /// at most <paramref name="maxConcepts"/> of them, by descending image count. With
    /// <paramref name="minAgreement"/> above 0, a word must also be used, on average, by at least that
    /// fraction of the captions of the images it describes: this keeps what annotators agree on
    /// ("red", "circle") and drops a grammar's free choices ("sits", "picture of").
    /// </summary>
    public static Concepts Build(IEnumerable<CaptionedImage> trainingImages, CaptionCleaner cleaner, int minImages, int maxConcepts, double minAgreement = 0)
    {
        var images = new Dictionary<string, int>(StringComparer.Ordinal);
        var agreement = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var image in trainingImages)
        {
            var perCaption = image.Captions.Select(c => cleaner.Tokens(c).ToHashSet(StringComparer.Ordinal)).ToList();
            foreach (var word in perCaption.SelectMany(w => w).Distinct(StringComparer.Ordinal))
            {
                images[word] = images.GetValueOrDefault(word) + 1;
                agreement[word] = agreement.GetValueOrDefault(word) + (double)perCaption.Count(c => c.Contains(word)) / perCaption.Count;
            }
        }
        var words = images.Where(p => p.Value >= minImages && !StopWords.Contains(p.Key) && agreement[p.Key] / p.Value >= minAgreement)
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Take(maxConcepts).Select(p => p.Key).ToList();
        if (words.Count == 0)
            throw new CaptioningException($"no content word occurs in the captions of {minImages} or more training images (with caption agreement {minAgreement}); the small CNN has nothing to learn (lower the minimum or add training images)");
        return new Concepts(words);
    }

    /// <summary>The distinct cleaned words of an image's captions.</summary>
    public static HashSet<string> WordsOf(CaptionedImage image, CaptionCleaner cleaner)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var caption in image.Captions) words.UnionWith(cleaner.Tokens(caption));
        return words;
    }

    /// <summary>Row-major (images x concepts) 0/1 labels: 1 when the concept occurs in any caption of the image.</summary>
    public float[] Labels(IReadOnlyList<CaptionedImage> images, CaptionCleaner cleaner)
    {
        var labels = new float[images.Count * Count];
        for (var i = 0; i < images.Count; i++)
        foreach (var word in WordsOf(images[i], cleaner))
            if (index.TryGetValue(word, out var c)) labels[i * Count + c] = 1;
        return labels;
    }
}

/// <summary>Micro-averaged precision, recall and F1 of multi-label predictions.</summary>
/// <param name="TruePositives">Predicted and present.</param>
/// <param name="FalsePositives">Predicted, absent.</param>
/// <param name="FalseNegatives">Present, not predicted.</param>
public sealed record ConceptScores(long TruePositives, long FalsePositives, long FalseNegatives)
{
    /// <summary>TP / (TP + FP), 0 when nothing was predicted.</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);

    /// <summary>TP / (TP + FN), 0 when nothing is present.</summary>
    public double Recall => TruePositives + FalseNegatives == 0 ? 0 : (double)TruePositives / (TruePositives + FalseNegatives);

    /// <summary>Harmonic mean of precision and recall.</summary>
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    /// <summary>Counts predictions (1 where <paramref name="predicted"/> is true) against 0/1 <paramref name="labels"/>.</summary>
    public static ConceptScores Count(ReadOnlySpan<bool> predicted, ReadOnlySpan<float> labels)
    {
        if (predicted.Length != labels.Length) throw new ArgumentException("predictions and labels differ in length");
        long tp = 0, fp = 0, fn = 0;
        for (var i = 0; i < predicted.Length; i++)
        {
            var present = labels[i] > 0.5f;
            if (predicted[i] && present) tp++;
            else if (predicted[i]) fp++;
            else if (present) fn++;
        }
        return new ConceptScores(tp, fp, fn);
    }

    /// <summary>
    /// The trivial predictor: the same k most frequent training concepts for every image, with k
    /// chosen to maximise micro F1 on the training labels. A useful model must beat it.
    /// </summary>
    public static bool[] FrequentPredictions(ReadOnlySpan<float> trainLabels, int trainImages, int concepts, int images)
    {
        var positives = new int[concepts];
        for (var i = 0; i < trainImages; i++)
        for (var c = 0; c < concepts; c++)
            if (trainLabels[i * concepts + c] > 0.5f) positives[c]++;
        var order = Enumerable.Range(0, concepts).OrderByDescending(c => positives[c]).ThenBy(c => c).ToArray();
        long allPositives = positives.Sum();
        long tp = 0;
        var (bestK, bestF1) = (0, 0.0);
        for (var k = 1; k <= concepts; k++)
        {
            // Predicting concept order[k - 1] for every image adds its positives as TP and the rest as FP.
            tp += positives[order[k - 1]];
            var f1 = new ConceptScores(tp, (long)k * trainImages - tp, allPositives - tp).F1;
            if (f1 > bestF1) (bestK, bestF1) = (k, f1);
        }
        var chosen = new bool[concepts];
        foreach (var c in order.Take(bestK)) chosen[c] = true;
        var result = new bool[images * concepts];
        for (var i = 0; i < images; i++) chosen.CopyTo(result, i * concepts);
        return result;
    }

    /// <summary>"P 0.912 R 0.874 F1 0.893".</summary>
    public override string ToString() => FormattableString.Invariant($"P {Precision:F3} R {Recall:F3} F1 {F1:F3}");
}
