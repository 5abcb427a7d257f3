using System.Text;

namespace Captioning.Evaluation;

/// <summary>One line of a text file with its 1-based number.</summary>
/// <param name="Number">1-based line number, for error messages.</param>
/// <param name="Text">The line without its line ending.</param>
public readonly record struct NumberedLine(int Number, string Text);

/// <summary>Reads a text file strictly as UTF-8 (a byte-order mark and CRLF endings accepted) so that a bad byte is reported with its line.</summary>
public static class TextLines
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Every line of <paramref name="path"/>; <paramref name="what"/> names the file's role in errors ("references", "predictions").</summary>
    public static IReadOnlyList<NumberedLine> Read(string path, string what)
    {
        if (!File.Exists(path)) throw new CaptioningException($"{what} file not found: {path}");
        var bytes = File.ReadAllBytes(path);
        var start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        var lines = new List<NumberedLine>();
        var number = 0;
        while (start < bytes.Length)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start);
            var next = end < 0 ? bytes.Length : end + 1;
            if (end < 0) end = bytes.Length;
            var length = end - start;
            if (length > 0 && bytes[start + length - 1] == (byte)'\r') length--;
            number++;
            lines.Add(new NumberedLine(number, Decode(bytes, start, length, path, what, number)));
            start = next;
        }
        return lines;
    }

    private static string Decode(byte[] bytes, int start, int length, string path, string what, int line)
    {
        try
        {
            return Strict.GetString(bytes, start, length);
        }
        catch (DecoderFallbackException e)
        {
            var column = e.Index >= 0 ? e.Index + 1 : 1;
            var bad = e.BytesUnknown is { Length: > 0 } unknown ? $" (byte 0x{unknown[0]:X2})" : "";
            throw new CaptioningException(
                $"{what} file {path}: line {line} is not valid UTF-8 at byte {column}{bad}; re-save the file as UTF-8", e);
        }
    }
}
