using System.Text;

namespace Captioning.Data;

/// <summary>
/// The tutorial's caption cleaning: split on whitespace, lowercase, strip ASCII punctuation from
/// each token, drop tokens of one character or less (unless <see cref="KeepSingleLetters"/>) and
/// tokens that are not all letters.
/// </summary>
/// <param name="KeepSingleLetters">Keep one-letter words such as "a" (the tutorial drops them, which changes BLEU).</param>
public sealed record CaptionCleaner(bool KeepSingleLetters = false)
{
    /// <summary>The tutorial's default cleaning.</summary>
    public static CaptionCleaner Tutorial { get; } = new();

    private const string AsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /// <summary>The cleaned tokens of <paramref name="caption"/>.</summary>
    public string[] Tokens(string caption)
    {
        var result = new List<string>();
        var builder = new StringBuilder();
        foreach (var raw in caption.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            builder.Clear();
            foreach (var c in raw)
            {
                if (AsciiPunctuation.Contains(c)) continue;
                builder.Append(char.ToLowerInvariant(c));
            }
            var token = builder.ToString();
            if (token.Length == 0) continue;
            if (token.Length == 1 && !KeepSingleLetters) continue;
            if (!IsAllLetters(token)) continue;
            result.Add(token);
        }
        return result.ToArray();
    }

    /// <summary>The cleaned caption as one space-separated string.</summary>
    public string Clean(string caption) => string.Join(' ', Tokens(caption));

    // Python's str.isalpha: every character alphabetic (Unicode letters count, digits do not).
    private static bool IsAllLetters(string token)
    {
        foreach (var c in token)
        {
            if (!char.IsLetter(c)) return false;
        }
        return true;
    }
}
