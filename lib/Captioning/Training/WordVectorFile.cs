using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Captioning.Training;

/// <summary>
/// Streams a word-vector text file, plain or gzip (told apart by its first two bytes), one line at a time: GloVe
/// (<c>word v1 ... vd</c> on every line) or fastText/word2vec <c>.vec</c> (a first line <c>count dim</c>). Only the
/// lines of wanted words are parsed into numbers, so a file of millions of words is never held in memory; the
/// SHA-256 of the file's bytes is computed on the way.
/// </summary>
internal sealed class WordVectorFile
{
    private static readonly char[] Separators = [' ', '\t'];

    private WordVectorFile(string path) => Path = path;

    /// <summary>The file as given.</summary>
    public string Path { get; }

    /// <summary>"glove" or "word2vec" (fastText's .vec is word2vec's text format).</summary>
    public string Format { get; private set; } = "glove";

    /// <summary>True when the file is gzip-compressed.</summary>
    public bool Gzip { get; private set; }

    /// <summary>Values per word.</summary>
    public int Dimension { get; private set; }

    /// <summary>Vector lines in the file.</summary>
    public long Words { get; private set; }

    /// <summary>SHA-256 of the file's bytes (compressed ones for gzip), lower-case hex.</summary>
    public string Sha256 { get; private set; } = "";

    /// <summary>
    /// Reads <paramref name="path"/>: its dimension must be <paramref name="expected"/> (checked as soon as it is known; the
    /// error ends with <paramref name="sizeHint"/>, which says how to change the embedding size), and
    /// <paramref name="take"/> gets each line whose first field <paramref name="wanted"/> maps to an index, with that
    /// index and the line's values (the first line of a word wins; the later ones only reach <paramref name="duplicate"/>).
    /// </summary>
    public static WordVectorFile Read(string path, Dictionary<string, int> wanted, long expected, string sizeHint,
        Action<int, float[]> take, Action<int> duplicate)
    {
        if (!File.Exists(path)) throw new CaptioningException($"word vectors '{path}' do not exist (give a GloVe .txt or fastText .vec file, plain or .gz)");
        var file = new WordVectorFile(path);
        var lookup = wanted.GetAlternateLookup<ReadOnlySpan<char>>();
        var seen = new bool[wanted.Count == 0 ? 0 : wanted.Values.Max() + 1];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        Span<byte> magic = stackalloc byte[2];
        file.Gzip = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        stream.Position = 0;
        using var sha256 = SHA256.Create();
        // Hashes every byte on its way to the reader; the hash is final once the stream has been read to its end.
        using var hashing = new CryptoStream(stream, sha256, CryptoStreamMode.Read, leaveOpen: true);
        using var text = file.Gzip ? new GZipStream(hashing, CompressionMode.Decompress, leaveOpen: true) : (Stream)hashing;
        using var reader = new StreamReader(text, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true, 1 << 16, leaveOpen: true);
        long line = 0;
        long? declared = null;
        try
        {
            while (reader.ReadLine() is { } raw)
            {
                line++;
                var span = raw.AsSpan().Trim(); // fastText ends every line with a space
                if (span.IsEmpty) continue;
                var fields = CountFields(span);
                if (line == 1 && fields == 2 && IsHeader(span, out var count, out var dim))
                {
                    (file.Format, declared, file.Dimension) = ("word2vec", count, dim);
                    file.CheckDimension(expected, sizeHint);
                    continue;
                }
                if (file.Dimension == 0)
                {
                    if (fields < 2) throw file.Malformed(line, "has a word but no values");
                    file.Dimension = fields - 1;
                    file.CheckDimension(expected, sizeHint);
                }
                if (fields - 1 != file.Dimension)
                    throw file.Malformed(line, $"has {fields - 1} values, expected {file.Dimension} (a word, then {file.Dimension} numbers separated by spaces)");
                file.Words++;
                var end = span.IndexOfAny(Separators);
                if (!lookup.TryGetValue(span[..end], out var index)) continue;
                if (seen[index])
                {
                    duplicate(index);
                    continue;
                }
                seen[index] = true;
                take(index, file.Values(span[end..], line));
            }
            // Hash what the reader did not need (a gzip stream may stop before trailing bytes).
            hashing.CopyTo(Stream.Null);
        }
        catch (DecoderFallbackException e)
        {
            throw new CaptioningException($"word vectors '{path}' are not valid UTF-8 text (line {line + 1}): {e.Message}");
        }
        catch (InvalidDataException e)
        {
            throw new CaptioningException($"word vectors '{path}' are a damaged gzip file (after line {line}): {e.Message}");
        }
        if (file.Dimension == 0) throw new CaptioningException($"word vectors '{path}' hold no vectors; expected GloVe lines (word v1 ... vd) or a fastText .vec file");
        if (declared is { } n && n != file.Words)
            throw new CaptioningException(string.Create(CultureInfo.InvariantCulture,
                $"word vectors '{path}': the first line announces {n:N0} words but the file has {file.Words:N0}; it is truncated or damaged"));
        file.Sha256 = Convert.ToHexStringLower(sha256.Hash!);
        return file;
    }

    private void CheckDimension(long expected, string sizeHint)
    {
        if (Dimension != expected)
            throw new CaptioningException($"word vectors '{Path}' are {Dimension}-dimensional but the word embedding has {expected} dimensions; {sizeHint}");
    }

    private float[] Values(ReadOnlySpan<char> rest, long line)
    {
        var values = new float[Dimension];
        var i = 0;
        while (NextField(ref rest) is var field && !field.IsEmpty)
        {
            if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
                throw Malformed(line, $"value {i + 1} '{field}' is not a finite number");
            values[i++] = value;
        }
        return values;
    }

    private CaptioningException Malformed(long line, string what) =>
        new($"word vectors '{Path}' line {line.ToString(CultureInfo.InvariantCulture)} {what}");

    private static bool IsHeader(ReadOnlySpan<char> span, out long count, out int dimension)
    {
        dimension = 0;
        var rest = span;
        return long.TryParse(NextField(ref rest), NumberStyles.None, CultureInfo.InvariantCulture, out count)
            && int.TryParse(NextField(ref rest), NumberStyles.None, CultureInfo.InvariantCulture, out dimension) && dimension > 0;
    }

    private static int CountFields(ReadOnlySpan<char> span)
    {
        var n = 0;
        while (!NextField(ref span).IsEmpty) n++;
        return n;
    }

    // The next space- or tab-separated field of rest (empty at the end), advancing rest past it.
    private static ReadOnlySpan<char> NextField(ref ReadOnlySpan<char> rest)
    {
        var start = rest.IndexOfAnyExcept(Separators);
        if (start < 0)
        {
            rest = default;
            return default;
        }
        rest = rest[start..];
        var end = rest.IndexOfAny(Separators);
        if (end < 0) end = rest.Length;
        var field = rest[..end];
        rest = rest[end..];
        return field;
    }
}
