using System.Text;

namespace Captioning.Data;

/// <summary>Reads a UTF-8 text file as lines, accepting a byte-order mark and LF, CRLF or CR line ends.</summary>
internal static class TextLines
{
    internal static string[] Read(string path, string what)
    {
        if (!File.Exists(path))
            throw new CaptioningException($"{what} '{path}' does not exist");
        // StreamReader strips a UTF-8 BOM and splits on \n, \r\n and \r alike.
        using var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        var lines = new List<string>();
        try
        {
            while (reader.ReadLine() is { } line) lines.Add(line);
        }
        catch (DecoderFallbackException e)
        {
            throw new CaptioningException($"{what} '{path}' is not valid UTF-8 text (line {lines.Count + 1}): {e.Message}");
        }
        return lines.ToArray();
    }
}
