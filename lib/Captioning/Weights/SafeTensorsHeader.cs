using System.Text;
using System.Text.Unicode;
using System.Text.Json;
using TorchSharp;

namespace Captioning.Weights;

/// <summary>A parsed and validated safetensors header: tensors in data order, free-form metadata and where the data starts.</summary>
internal sealed record SafeTensorsHeader(IReadOnlyList<SafeTensorInfo> Tensors, IReadOnlyDictionary<string, string> Metadata, long DataStart)
{
    /// <summary>The reference implementation refuses headers above 100 MB; so does this reader, so a corrupt length cannot make it allocate gigabytes.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    /// <summary>Reads the length prefix and header of an open file and checks every entry against the file's size.</summary>
    public static SafeTensorsHeader Read(Stream file, string path)
    {
        var fileLength = file.Length;
        if (fileLength < 8)
            throw Fail(path, $"the file has {fileLength} bytes, fewer than the 8-byte header length prefix; it is not a safetensors file or it was truncated");
        Span<byte> prefix = stackalloc byte[8];
        file.Position = 0;
        file.ReadExactly(prefix);
        var headerLength = BitConverter.ToUInt64(prefix); // Debian/x86 and every supported platform are little-endian
        if (headerLength > (ulong)(fileLength - 8))
            throw Fail(path, $"the header length prefix says {headerLength} bytes but only {fileLength - 8} bytes follow it; the file is truncated or not a safetensors file");
        if (headerLength > MaxHeaderBytes)
            throw Fail(path, $"the header is {headerLength} bytes, more than the {MaxHeaderBytes}-byte limit of the safetensors format");
        var headerBytes = new byte[headerLength];
        file.ReadExactly(headerBytes);
        return Parse(headerBytes, fileLength - 8 - (long)headerLength, 8 + (long)headerLength, path);
    }

    private static SafeTensorsHeader Parse(byte[] headerBytes, long dataLength, long dataStart, string path)
    {
        if (headerBytes.Length == 0 || headerBytes[0] != (byte)'{')
            throw Fail(path, "the JSON header does not start with '{'; the file is not a safetensors file");
        if (!Utf8.IsValid(headerBytes))
            throw Fail(path, "the JSON header is malformed (it is not valid UTF-8)");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes);
        }
        catch (JsonException e)
        {
            throw Fail(path, $"the JSON header is malformed ({e.Message})", e);
        }
        using (document)
        {
            var tensors = new List<SafeTensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw Fail(path, $"the header names '{property.Name}' twice");
                if (property.Name == MetadataKey) ReadMetadata(property.Value, metadata, path);
                else tensors.Add(ReadTensor(property.Name, property.Value, path));
            }
            CheckLayout(tensors, dataLength, path);
            return new SafeTensorsHeader(tensors, metadata, dataStart);
        }
    }

    private static void ReadMetadata(JsonElement element, Dictionary<string, string> metadata, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw Fail(path, $"'{MetadataKey}' must be an object of string values, not {element.ValueKind}");
        foreach (var entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw Fail(path, $"metadata entry '{entry.Name}' must be a string, not {entry.Value.ValueKind}");
            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
                throw Fail(path, $"metadata entry '{entry.Name}' appears twice");
        }
    }

    private static SafeTensorInfo ReadTensor(string name, JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw Fail(path, $"tensor '{name}': expected an object with dtype, shape and data_offsets, found {element.ValueKind}");
        string? dtypeName = null;
        long[]? shape = null, offsets = null;
        foreach (var field in element.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtypeName == null:
                    dtypeName = field.Value.ValueKind == JsonValueKind.String
                        ? field.Value.GetString()!
                        : throw Fail(path, $"tensor '{name}': dtype must be a string, not {field.Value.ValueKind}");
                    break;
                case "shape" when shape == null:
                    shape = ReadIntegers(field.Value, name, "shape", path);
                    break;
                case "data_offsets" when offsets == null:
                    offsets = ReadIntegers(field.Value, name, "data_offsets", path);
                    break;
                default:
                    throw Fail(path, $"tensor '{name}': unexpected or repeated field '{field.Name}'; expected exactly dtype, shape and data_offsets");
            }
        }
        if (dtypeName == null || shape == null || offsets == null)
            throw Fail(path, $"tensor '{name}': missing {(dtypeName == null ? "dtype" : shape == null ? "shape" : "data_offsets")}");
        if (!SafeTensorDTypes.TryParse(dtypeName, out var dtype))
            throw Fail(path, $"tensor '{name}': unknown or unsupported dtype '{dtypeName}'; supported: {SafeTensorDTypes.Supported}");
        if (offsets.Length != 2)
            throw Fail(path, $"tensor '{name}': data_offsets must hold exactly two numbers [begin, end], found {offsets.Length}");
        if (offsets[1] < offsets[0])
            throw Fail(path, $"tensor '{name}': data_offsets [{offsets[0]}, {offsets[1]}] end before they begin");
        long expected;
        try
        {
            expected = checked(shape.Aggregate(1L, (n, d) => n * d) * dtype.ElementSize());
        }
        catch (OverflowException)
        {
            throw Fail(path, $"tensor '{name}': shape [{string.Join(", ", shape)}] overflows a 64-bit byte count");
        }
        if (offsets[1] - offsets[0] != expected)
            throw Fail(path, $"tensor '{name}': data_offsets [{offsets[0]}, {offsets[1]}] span {offsets[1] - offsets[0]} bytes but dtype {dtypeName} and shape [{string.Join(", ", shape)}] need {expected}");
        return new SafeTensorInfo(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] ReadIntegers(JsonElement element, string name, string field, string path)
    {
        if (element.ValueKind != JsonValueKind.Array)
            throw Fail(path, $"tensor '{name}': {field} must be an array of non-negative integers, not {element.ValueKind}");
        var values = new long[element.GetArrayLength()];
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var v) || v < 0)
                throw Fail(path, $"tensor '{name}': {field} must hold non-negative integers, found {item.GetRawText()}");
            values[i++] = v;
        }
        return values;
    }

    /// <summary>The data section must be tiled exactly: no gaps, no overlaps, nothing past its end or left over.</summary>
    private static void CheckLayout(List<SafeTensorInfo> tensors, long dataLength, string path)
    {
        tensors.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long position = 0;
        SafeTensorInfo? previous = null;
        foreach (var t in tensors)
        {
            if (t.End > dataLength)
                throw Fail(path, $"tensor '{t.Name}': data_offsets [{t.Begin}, {t.End}] run past the end of the {dataLength}-byte data section; the file is truncated or corrupt");
            if (t.Begin < position)
                throw Fail(path, $"tensor '{t.Name}': data_offsets [{t.Begin}, {t.End}] overlap tensor '{previous!.Name}' [{previous.Begin}, {previous.End}]");
            if (t.Begin > position)
                throw Fail(path, $"tensor '{t.Name}': data_offsets begin at {t.Begin} but the previous tensor ends at {position}; the data section has a gap");
            position = t.End;
            previous = t;
        }
        if (position != dataLength)
            throw Fail(path, $"the data section has {dataLength} bytes but the header accounts for {position}; the file has trailing bytes or a corrupt header");
    }

    /// <summary>The header bytes (JSON padded with spaces to a multiple of 8) laid out as the reference writer does: metadata first, then tensors in <paramref name="ordered"/> order.</summary>
    public static byte[] Build(IReadOnlyList<SafeTensorInfo> ordered, IReadOnlyDictionary<string, string>? metadata)
    {
        var json = new StringBuilder("{");
        if (metadata != null)
        {
            json.Append('"').Append(MetadataKey).Append("\":{");
            var first = true;
            foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, Utf8Order.Instance))
            {
                if (!first) json.Append(',');
                first = false;
                AppendString(json, key).Append(':');
                AppendString(json, value);
            }
            json.Append('}');
            if (ordered.Count > 0) json.Append(',');
        }
        for (var i = 0; i < ordered.Count; i++)
        {
            var t = ordered[i];
            if (i > 0) json.Append(',');
            AppendString(json, t.Name).Append(":{\"dtype\":\"").Append(SafeTensorDTypes.Name(t.DType))
                .Append("\",\"shape\":[").AppendJoin(',', t.Shape)
                .Append("],\"data_offsets\":[").Append(t.Begin).Append(',').Append(t.End).Append("]}");
        }
        json.Append('}');
        var padding = (8 - Encoding.UTF8.GetByteCount(json.ToString()) % 8) % 8;
        json.Append(' ', padding);
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    /// <summary>Escapes as serde_json does (the reference writer): quote, backslash and control characters only, everything else as raw UTF-8.</summary>
    private static StringBuilder AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case < ' ': json.Append("\\u").Append(((int)c).ToString("x4")); break;
                default: json.Append(c); break;
            }
        }
        return json.Append('"');
    }

    private static CaptioningException Fail(string path, string message, Exception? inner = null) =>
        inner == null
            ? new CaptioningException($"safetensors file '{path}': {message}")
            : new CaptioningException($"safetensors file '{path}': {message}", inner);
}

/// <summary>Orders strings by their UTF-8 bytes, as Rust's str ordering (the reference writer) does.</summary>
internal sealed class Utf8Order : IComparer<string>
{
    public static Utf8Order Instance { get; } = new();

    public int Compare(string? x, string? y) =>
        Encoding.UTF8.GetBytes(x ?? "").AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y ?? ""));
}
