namespace Captioning.Evaluation;

/// <summary>n-gram counting shared by the metrics; an n-gram is its words joined by a separator no cleaned token contains.</summary>
internal static class NGrams
{
    private const char Separator = '\u001F';

    /// <summary>Counts of every n-gram of order <paramref name="order"/>, in first-occurrence order.</summary>
    internal static Dictionary<string, int> Count(IReadOnlyList<string> words, int order)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i + order <= words.Count; i++)
        {
            var key = Key(words, i, order);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return counts;
    }

    /// <summary>The order of an n-gram key.</summary>
    internal static int Order(string key) => key.Count(c => c == Separator) + 1;

    private static string Key(IReadOnlyList<string> words, int start, int order)
    {
        if (order == 1) return words[start];
        var parts = new string[order];
        for (var k = 0; k < order; k++) parts[k] = words[start + k];
        return string.Join(Separator, parts);
    }
}
