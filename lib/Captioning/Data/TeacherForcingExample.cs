namespace Captioning.Data;

/// <summary>One of the tutorial's training samples: the photo with a caption's prefix (front-padded to a fixed width, as Keras' pad_sequences does), and the next word as target.</summary>
/// <param name="Prefix">The prefix's ids, front-padded with &lt;pad&gt; = 0 to the width.</param>
/// <param name="PrefixWords">The prefix as words, from &lt;start&gt;.</param>
/// <param name="Next">The id of the word that follows the prefix.</param>
/// <param name="NextWord">That word.</param>
public sealed record PrefixPair(long[] Prefix, string PrefixWords, long Next, string NextWord);

/// <summary>
/// One caption on its way into training: cleaned and tokenised, encoded into vocabulary ids, then
/// turned into training samples two ways.
/// <list type="bullet">
/// <item>The tutorial's (photo, prefix → next word) pairs: a caption of n words gives n + 1 samples
/// (the last one predicts &lt;end&gt;), each re-reading its prefix from the start.</item>
/// <item>Teacher forcing, which this library trains with: one row whose input is &lt;start&gt; w1 … wn and
/// whose target is w1 … wn &lt;end&gt;. The LSTM reads the row once; its output at step t is scored
/// against target t, which is the pair whose prefix ends at input t. Same targets, same prefixes, one pass.</item>
/// </list>
/// </summary>
public sealed class TeacherForcingExample
{
    private TeacherForcingExample(string caption, string[] tokens, int[] ids, Vocabulary vocabulary, int width)
    {
        Caption = caption;
        Tokens = tokens;
        Ids = ids;
        Width = width;
        Input = [Vocabulary.Start, .. ids.Select(i => (long)i), .. Enumerable.Repeat((long)Vocabulary.Pad, width - ids.Length - 1)];
        Target = [.. ids.Select(i => (long)i), Vocabulary.End, .. Enumerable.Repeat((long)Vocabulary.Pad, width - ids.Length - 1)];
        var pairs = new List<PrefixPair>();
        for (var t = 0; t <= ids.Length; t++)
        {
            var prefix = Input.Take(t + 1).ToArray();
            pairs.Add(new PrefixPair([.. Enumerable.Repeat((long)Vocabulary.Pad, width - prefix.Length), .. prefix],
                string.Join(' ', prefix.Select(i => vocabulary.WordOf((int)i))), Target[t], vocabulary.WordOf((int)Target[t])));
        }
        Pairs = pairs;
        InputWords = Input.Select(i => vocabulary.WordOf((int)i)).ToArray();
        TargetWords = Target.Select(i => vocabulary.WordOf((int)i)).ToArray();
    }

    /// <summary>The caption as written.</summary>
    public string Caption { get; }

    /// <summary>The cleaned words.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>The words' ids; a word outside the vocabulary is &lt;unk&gt; (3).</summary>
    public IReadOnlyList<int> Ids { get; }

    /// <summary>The padded row width: the longest training caption plus one, as a batch of such captions has.</summary>
    public int Width { get; }

    /// <summary>The teacher-forced input row: &lt;start&gt; w1 … wn, then &lt;pad&gt;.</summary>
    public IReadOnlyList<long> Input { get; }

    /// <summary>The teacher-forced target row: w1 … wn &lt;end&gt;, then &lt;pad&gt; (padding is not scored).</summary>
    public IReadOnlyList<long> Target { get; }

    /// <summary><see cref="Input"/> as words.</summary>
    public IReadOnlyList<string> InputWords { get; }

    /// <summary><see cref="Target"/> as words.</summary>
    public IReadOnlyList<string> TargetWords { get; }

    /// <summary>The tutorial's n + 1 (prefix → next word) samples of this caption.</summary>
    public IReadOnlyList<PrefixPair> Pairs { get; }

    /// <summary>
    /// Cleans <paramref name="caption"/> with <paramref name="cleaner"/> (default: the tutorial's
    /// rules), encodes it with <paramref name="vocabulary"/> and pads to <paramref name="width"/>
    /// (default: the vocabulary's longest training caption plus one).
    /// </summary>
    public static TeacherForcingExample Of(string caption, Vocabulary vocabulary, CaptionCleaner? cleaner = null, int? width = null)
    {
        var tokens = (cleaner ?? CaptionCleaner.Tutorial).Tokens(caption);
        if (tokens.Length == 0) throw new CaptioningException($"caption '{caption}' has no words left after cleaning");
        var rowWidth = width ?? vocabulary.MaxLength + 1;
        if (rowWidth < tokens.Length + 1)
            throw new CaptioningException($"caption '{caption}' has {tokens.Length} words, so a row needs at least {tokens.Length + 1} steps; width {rowWidth} is too small");
        return new TeacherForcingExample(caption, tokens, vocabulary.Encode(tokens), vocabulary, rowWidth);
    }

    /// <summary>The tutorial's sample count for these captions: each caption of n words gives n + 1 (prefix → next word) pairs.</summary>
    public static long PairCount(EncodedCaptions captions) => (long)captions.TokenCount + captions.Count;

    /// <summary>Teacher forcing's sample count for these captions: one row per caption.</summary>
    public static long RowCount(EncodedCaptions captions) => captions.Count;
}
