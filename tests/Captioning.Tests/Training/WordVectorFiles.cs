using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Captioning.Tests.Training;

/// <summary>Writes word-vector files in the two text formats, plain or gzip, with values exact in float32 and in text.</summary>
internal static class WordVectorFiles
{
    /// <summary>A deterministic vector for <paramref name="word"/>: multiples of 1/8 in [-1, 1], different for different words.</summary>
    public static float[] VectorOf(string word, int dimension, int salt = 0)
    {
        var h = word.Aggregate(17 + salt, (a, c) => a * 31 + c) & 0x7FFF;
        return Enumerable.Range(0, dimension).Select(j => ((h + 7 * j) % 17) / 8f - 1).ToArray();
    }

    /// <summary>The text of a file: GloVe lines, or a .vec file whose first line is "count dim" (each line then ends with a space, as fastText's do).</summary>
    public static string Text(IEnumerable<(string Word, float[] Vector)> entries, bool vec)
    {
        var list = entries.ToList();
        var text = new StringBuilder();
        if (vec) text.Append(CultureInfo.InvariantCulture, $"{list.Count} {list[0].Vector.Length}\n");
        foreach (var (word, vector) in list)
            text.Append(word).Append(' ').Append(string.Join(' ', vector.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))).Append(vec ? " \n" : "\n");
        return text.ToString();
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/>, gzip-compressed when <paramref name="gzip"/>; returns the path.</summary>
    public static string Write(string path, string text, bool gzip)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return path;
        }
        using var file = File.Create(path);
        using var zip = new GZipStream(file, CompressionLevel.Fastest);
        zip.Write(bytes);
        return path;
    }
}
