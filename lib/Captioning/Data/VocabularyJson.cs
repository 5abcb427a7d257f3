using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Captioning.Data;

/// <summary>The vocabulary file: {"format", "version", "minCount", "maxLength", "words", "counts"}.</summary>
internal static class VocabularyJson
{
    internal const string Format = "captioning-vocabulary";
    internal const int Version = 1;

    internal static void Save(Vocabulary vocabulary, string path)
    {
        var json = new JsonObject
        {
            ["format"] = Format,
            ["version"] = Version,
            ["minCount"] = vocabulary.MinCount,
            ["maxLength"] = vocabulary.MaxLength,
            ["words"] = new JsonArray(vocabulary.Words.Select(w => (JsonNode?)JsonValue.Create(w)).ToArray()),
            ["counts"] = new JsonArray(Enumerable.Range(0, vocabulary.Count).Select(i => (JsonNode?)JsonValue.Create(vocabulary.CountOf(i))).ToArray()),
        };
        AtomicFile.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
    }

    internal static Vocabulary Load(string path)
    {
        if (!File.Exists(path)) throw new CaptioningException($"vocabulary file '{path}' does not exist; run `caption prepare` to write it");
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new CaptioningException($"vocabulary file '{path}' is not valid JSON (line {e.LineNumber + 1}): {e.Message}");
        }
        CaptioningException Bad(string what) => new($"vocabulary file '{path}': {what}; rewrite it with `caption prepare`");
        if (root is not JsonObject obj) throw Bad("expected a JSON object");
        if (obj["format"]?.GetValueKind() != JsonValueKind.String || (string?)obj["format"] != Format)
            throw Bad($"\"format\" must be \"{Format}\"");
        var version = Int(obj, "version") ?? throw Bad("\"version\" must be an integer");
        if (version != Version) throw Bad($"format version {version} is not supported (this build reads version {Version})");
        var minCount = Int(obj, "minCount") ?? throw Bad("\"minCount\" must be an integer");
        var maxLength = Int(obj, "maxLength") ?? throw Bad("\"maxLength\" must be an integer");
        if (obj["words"] is not JsonArray wordArray || obj["counts"] is not JsonArray countArray)
            throw Bad("\"words\" and \"counts\" must be arrays");
        if (wordArray.Count != countArray.Count) throw Bad($"\"words\" has {wordArray.Count} entries but \"counts\" has {countArray.Count}");
        var words = new string[wordArray.Count];
        var counts = new long[countArray.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < words.Length; i++)
        {
            if (wordArray[i]?.GetValueKind() != JsonValueKind.String) throw Bad($"words[{i}] is not a string");
            words[i] = (string)wordArray[i]!;
            if (!seen.Add(words[i])) throw Bad($"word '{words[i]}' occurs twice (words[{i}])");
            if (countArray[i]?.GetValueKind() != JsonValueKind.Number || !countArray[i]!.AsValue().TryGetValue<long>(out counts[i]) || counts[i] < 0)
                throw Bad($"counts[{i}] is not a non-negative integer");
        }
        for (var i = 0; i < Vocabulary.Specials.Count; i++)
        {
            if (i >= words.Length || words[i] != Vocabulary.Specials[i])
                throw Bad($"words[{i}] must be the special token '{Vocabulary.Specials[i]}'");
        }
        return new Vocabulary(words, counts, minCount, maxLength);
    }

    private static int? Int(JsonObject obj, string name) =>
        obj[name]?.GetValueKind() == JsonValueKind.Number && obj[name]!.AsValue().TryGetValue<int>(out var value) ? value : null;
}
