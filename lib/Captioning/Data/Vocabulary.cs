namespace Captioning.Data;

/// <summary>
/// Word-to-id mapping built from training captions: specials &lt;pad&gt;=0, &lt;start&gt;=1, &lt;end&gt;=2,
/// &lt;unk&gt;=3, then words by descending count, ties in ordinal order, so the ids are deterministic.
/// </summary>
public sealed class Vocabulary
{
    /// <summary>Padding id; also what the loss ignores.</summary>
    public const int Pad = 0;
    /// <summary>Id fed before the first word.</summary>
    public const int Start = 1;
    /// <summary>Id that ends a caption.</summary>
    public const int End = 2;
    /// <summary>Id of words outside the vocabulary.</summary>
    public const int Unknown = 3;
    /// <summary>The special tokens in id order.</summary>
    public static IReadOnlyList<string> Specials { get; } = ["<pad>", "<start>", "<end>", "<unk>"];

    private readonly string[] words;
    private readonly long[] counts;
    private readonly Dictionary<string, int> ids;

    internal Vocabulary(string[] words, long[] counts, int minCount, int maxLength)
    {
        this.words = words;
        this.counts = counts;
        MinCount = minCount;
        MaxLength = maxLength;
        ids = new Dictionary<string, int>(words.Length, StringComparer.Ordinal);
        for (var i = 0; i < words.Length; i++) ids[words[i]] = i;
    }

    /// <summary>Builds the vocabulary from tokenised training captions, keeping words seen at least <paramref name="minCount"/> times.</summary>
    public static Vocabulary Build(IEnumerable<IReadOnlyList<string>> trainingCaptions, int minCount = 1)
    {
        if (minCount < 1) throw new CaptioningException($"minimum word count must be at least 1, got {minCount}");
        var tally = new Dictionary<string, long>(StringComparer.Ordinal);
        var maxLength = 0;
        foreach (var caption in trainingCaptions)
        {
            maxLength = Math.Max(maxLength, caption.Count);
            foreach (var word in caption) tally[word] = tally.GetValueOrDefault(word) + 1;
        }
        var kept = tally.Where(p => p.Value >= minCount && !Specials.Contains(p.Key))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).ToList();
        var words = Specials.Concat(kept.Select(p => p.Key)).ToArray();
        var counts = new long[Specials.Count].Concat(kept.Select(p => p.Value)).ToArray();
        return new Vocabulary(words, counts, minCount, maxLength);
    }

    /// <summary>Number of ids, specials included (the size of the embedding and output layers).</summary>
    public int Count => words.Length;

    /// <summary>The minimum training count a word needed to be kept.</summary>
    public int MinCount { get; }

    /// <summary>Most words in one training caption (without &lt;start&gt;/&lt;end&gt;); the tutorial's figure is 34 with its two markers.</summary>
    public int MaxLength { get; }

    /// <summary>The words in id order, specials first.</summary>
    public IReadOnlyList<string> Words => words;

    /// <summary>How often word <paramref name="id"/> occurred in training captions (0 for specials).</summary>
    public long CountOf(int id) => counts[id];

    /// <summary>The id of <paramref name="word"/>, or <see cref="Unknown"/>.</summary>
    public int IdOf(string word) => ids.TryGetValue(word, out var id) ? id : Unknown;

    /// <summary>True when <paramref name="word"/> has its own id.</summary>
    public bool Contains(string word) => ids.ContainsKey(word);

    /// <summary>The word of <paramref name="id"/>.</summary>
    public string WordOf(int id) => id >= 0 && id < words.Length
        ? words[id]
        : throw new ArgumentOutOfRangeException(nameof(id), $"id {id} is outside the vocabulary of {words.Length}");

    /// <summary>Ids of the tokens, without &lt;start&gt;/&lt;end&gt;; unknown words map to &lt;unk&gt;.</summary>
    public int[] Encode(IReadOnlyList<string> tokens)
    {
        var result = new int[tokens.Count];
        for (var i = 0; i < result.Length; i++) result[i] = IdOf(tokens[i]);
        return result;
    }

    /// <summary>The words of <paramref name="ids"/>: skips &lt;pad&gt; and &lt;start&gt;, stops at &lt;end&gt;.</summary>
    public string[] Decode(IEnumerable<int> ids)
    {
        var result = new List<string>();
        foreach (var id in ids)
        {
            if (id == End) break;
            if (id is Pad or Start) continue;
            result.Add(WordOf(id));
        }
        return result.ToArray();
    }

    /// <summary>The caption of <paramref name="ids"/> as one space-separated string.</summary>
    public string DecodeToString(IEnumerable<int> ids) => string.Join(' ', Decode(ids));

    /// <summary>Writes the vocabulary as JSON (atomically).</summary>
    public void Save(string path) => VocabularyJson.Save(this, path);

    /// <summary>Reads a vocabulary written by <see cref="Save"/>; a malformed file throws a <see cref="CaptioningException"/> naming it.</summary>
    public static Vocabulary Load(string path) => VocabularyJson.Load(path);
}
