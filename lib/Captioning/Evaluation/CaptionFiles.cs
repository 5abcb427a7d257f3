using System.Text.Json;

namespace Captioning.Evaluation;

/// <summary>
/// Readers for the files <c>caption score</c> takes: Flickr8k-style reference tokens, predictions as
/// TSV or COCO results JSON, and split lists. Every malformed entry is an error naming file and line.
/// </summary>
public static class CaptionFiles
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".gif"];

    /// <summary>The image id of a file name: the name without its image extension, as the tutorial keys images.</summary>
    public static string ImageId(string fileName)
    {
        var name = fileName.Trim();
        foreach (var extension in ImageExtensions)
        {
            if (name.EndsWith(extension, StringComparison.OrdinalIgnoreCase)) return name[..^extension.Length];
        }
        return name;
    }

    /// <summary>Reference captions per image from lines <c>&lt;id&gt;.jpg#&lt;k&gt;&lt;TAB&gt;&lt;caption&gt;</c> (the Flickr8k token file).</summary>
    public static Dictionary<string, IReadOnlyList<string>> ReadReferences(string path)
    {
        var captions = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (number, text) in TextLines.Read(path, "references"))
        {
            if (string.IsNullOrWhiteSpace(text)) continue;
            var tab = text.IndexOf('\t');
            if (tab < 0) throw new CaptioningException($"references file {path}: line {number} has no tab; expected '<image>.jpg#<k><TAB><caption>'");
            var key = text[..tab].Trim();
            var caption = text[(tab + 1)..];
            var hash = key.IndexOf('#');
            var id = ImageId(hash < 0 ? key : key[..hash]);
            if (id.Length == 0) throw new CaptioningException($"references file {path}: line {number} has no image name before the tab; expected '<image>.jpg#<k><TAB><caption>'");
            if (string.IsNullOrWhiteSpace(caption)) throw new CaptioningException($"references file {path}: line {number} has an empty caption for image {id}; every reference line needs a caption");
            if (seen.TryGetValue(key, out var first)) throw new CaptioningException($"references file {path}: line {number} repeats the key {key} of line {first}; each '<image>#<k>' must appear once");
            seen[key] = number;
            if (!captions.TryGetValue(id, out var list)) captions[id] = list = [];
            list.Add(caption);
        }
        if (captions.Count == 0) throw new CaptioningException($"references file {path} contains no reference captions");
        return captions.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal);
    }

    /// <summary>One predicted caption per image, from <c>&lt;id&gt;&lt;TAB&gt;&lt;caption&gt;</c> lines or a COCO results JSON array; an empty caption is legal.</summary>
    public static Dictionary<string, string> ReadPredictions(string path)
    {
        var lines = TextLines.Read(path, "predictions");
        var firstData = lines.FirstOrDefault(l => !string.IsNullOrWhiteSpace(l.Text));
        var predictions = firstData.Text is { } t && t.TrimStart().StartsWith('[')
            ? ParseCocoResults(path, string.Join('\n', lines.Select(l => l.Text)))
            : ParseTsv(path, lines);
        if (predictions.Count == 0) throw new CaptioningException($"predictions file {path} contains no predictions; expected '<image><TAB><caption>' lines or a COCO results JSON array");
        return predictions;
    }

    /// <summary>The image ids of a split file: one image file name per line.</summary>
    public static IReadOnlyList<string> ReadSplit(string path)
    {
        var ids = new List<string>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (number, text) in TextLines.Read(path, "split"))
        {
            if (string.IsNullOrWhiteSpace(text)) continue;
            var id = ImageId(text);
            if (seen.TryGetValue(id, out var first)) throw new CaptioningException($"split file {path}: line {number} repeats image {id} of line {first}");
            seen[id] = number;
            ids.Add(id);
        }
        if (ids.Count == 0) throw new CaptioningException($"split file {path} lists no images; expected one image file name per line");
        return ids;
    }

    private static Dictionary<string, string> ParseTsv(string path, IReadOnlyList<NumberedLine> lines)
    {
        var predictions = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (number, text) in lines)
        {
            if (string.IsNullOrWhiteSpace(text)) continue;
            var tab = text.IndexOf('\t');
            if (tab < 0) throw new CaptioningException($"predictions file {path}: line {number} has no tab; expected '<image><TAB><caption>' (the caption may be empty)");
            var id = ImageId(text[..tab]);
            if (id.Length == 0) throw new CaptioningException($"predictions file {path}: line {number} has no image id before the tab");
            if (lineOf.TryGetValue(id, out var first)) throw new CaptioningException($"predictions file {path}: line {number} repeats image {id} of line {first}; give one caption per image");
            lineOf[id] = number;
            predictions[id] = text[(tab + 1)..];
        }
        return predictions;
    }

    private static Dictionary<string, string> ParseCocoResults(string path, string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new CaptioningException($"predictions file {path} is not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array) throw new CaptioningException($"predictions file {path}: expected a JSON array of {{\"image_id\", \"caption\"}} objects");
            var predictions = new Dictionary<string, string>(StringComparer.Ordinal);
            var entryOf = new Dictionary<string, int>(StringComparer.Ordinal);
            var index = 0;
            foreach (var entry in document.RootElement.EnumerateArray())
            {
                var where = $"predictions file {path}: entry {index}";
                if (entry.ValueKind != JsonValueKind.Object) throw new CaptioningException($"{where} is not an object; expected {{\"image_id\": ..., \"caption\": ...}}");
                if (!entry.TryGetProperty("image_id", out var idElement) || idElement.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
                    throw new CaptioningException($"{where} has no \"image_id\" string or number");
                if (!entry.TryGetProperty("caption", out var captionElement) || captionElement.ValueKind != JsonValueKind.String)
                    throw new CaptioningException($"{where} has no \"caption\" string");
                var id = ImageId(idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : idElement.GetRawText());
                if (id.Length == 0) throw new CaptioningException($"{where} has an empty \"image_id\"");
                if (entryOf.TryGetValue(id, out var first)) throw new CaptioningException($"{where} repeats image {id} of entry {first}; give one caption per image");
                entryOf[id] = index;
                predictions[id] = captionElement.GetString()!;
                index++;
            }
            return predictions;
        }
    }
}
