using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;

namespace Captioning.Features;

/// <summary>What produced a feature store: two stores are interchangeable only when all of this is equal.</summary>
/// <param name="Encoder">Encoder id ("vgg16", "small-cnn", ...).</param>
/// <param name="WeightsHash">SHA-256 of the weights file, the small CNN's training hash, or "none".</param>
/// <param name="DatasetFingerprint">Fingerprint of the image set (see <see cref="DatasetFingerprint"/>).</param>
/// <param name="Dimension">Values per image.</param>
/// <param name="DType">Storage element type: float32 or float16.</param>
public sealed record FeatureStoreIdentity(string Encoder, string WeightsHash, string DatasetFingerprint, int Dimension, torch.ScalarType DType)
{
    /// <summary>Bytes of one stored row.</summary>
    public long RowBytes => (long)Dimension * DType.ElementSize();

    /// <summary>The first difference from <paramref name="other"/> as "field: this vs other", or null when equal.</summary>
    public string? Difference(FeatureStoreIdentity other)
    {
        if (Encoder != other.Encoder) return $"encoder '{Encoder}' vs '{other.Encoder}'";
        if (WeightsHash != other.WeightsHash) return $"weights hash {Short(WeightsHash)} vs {Short(other.WeightsHash)}";
        if (DatasetFingerprint != other.DatasetFingerprint) return $"dataset fingerprint {Short(DatasetFingerprint)} vs {Short(other.DatasetFingerprint)}";
        if (Dimension != other.Dimension) return $"dimension {Dimension} vs {other.Dimension}";
        if (DType != other.DType) return $"dtype {FeatureStoreHeader.DTypeName(DType)} vs {FeatureStoreHeader.DTypeName(other.DType)}";
        return null;
    }

    private static string Short(string hash) => hash.Length > 16 ? hash[..16] : hash;
}

/// <summary>An image left out of a store because it could not be read (only with --skip-bad-images).</summary>
/// <param name="Id">Image id.</param>
/// <param name="Reason">The decoder's message.</param>
public sealed record SkippedFeature(string Id, string Reason);

/// <summary>
/// The metadata of a feature store file. The file is: a 64-byte prelude (magic "CAPFEAT1", format
/// version, JSON length, data offset, data length, SHA-256 of JSON + rows), the UTF-8 JSON header,
/// zero padding to a 64-byte boundary, then count x dimension little-endian rows.
/// </summary>
public sealed record FeatureStoreHeader(FeatureStoreIdentity Identity, IReadOnlyList<string> Ids, IReadOnlyList<SkippedFeature> Skipped)
{
    /// <summary>The first eight bytes of every store.</summary>
    public static ReadOnlySpan<byte> Magic => "CAPFEAT1"u8;

    /// <summary>The format version this code writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>Size of the fixed prelude before the JSON header.</summary>
    public const int PreludeBytes = 64;

    /// <summary>Byte offset of the 32-byte checksum inside the prelude.</summary>
    public const int ChecksumOffset = 32;

    /// <summary>Rows start on a multiple of this, so float32 rows are aligned in the memory map.</summary>
    public const int Alignment = 64;

    /// <summary>Number of stored rows.</summary>
    public int Count => Ids.Count;

    /// <summary>Bytes of all rows.</summary>
    public long DataBytes => Count * Identity.RowBytes;

    /// <summary>The name used in files and messages for a storage dtype.</summary>
    public static string DTypeName(torch.ScalarType dtype) => dtype switch
    {
        torch.ScalarType.Float32 => "float32",
        torch.ScalarType.Float16 => "float16",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "feature stores hold float32 or float16"),
    };

    /// <summary>Parses "float32" / "float16"; anything else is a <see cref="CaptioningException"/> naming <paramref name="what"/>.</summary>
    public static torch.ScalarType ParseDType(string name, string what) => name switch
    {
        "float32" => torch.ScalarType.Float32,
        "float16" => torch.ScalarType.Float16,
        _ => throw new CaptioningException($"{what}: dtype '{name}' is not supported; expected float32 or float16"),
    };

    /// <summary>The JSON header bytes.</summary>
    public byte[] JsonBytes()
    {
        var dto = new HeaderJson
        {
            Encoder = Identity.Encoder,
            WeightsHash = Identity.WeightsHash,
            DatasetFingerprint = Identity.DatasetFingerprint,
            Dimension = Identity.Dimension,
            DType = DTypeName(Identity.DType),
            Count = Count,
            Ids = Ids.ToArray(),
            Skipped = Skipped.Select(s => new SkippedJson { Id = s.Id, Reason = s.Reason }).ToArray(),
        };
        return JsonSerializer.SerializeToUtf8Bytes(dto, JsonOptions);
    }

    /// <summary>Offset of the first row for a JSON header of <paramref name="jsonLength"/> bytes.</summary>
    public static long DataOffset(int jsonLength) => (PreludeBytes + (long)jsonLength + Alignment - 1) / Alignment * Alignment;

    /// <summary>Writes the prelude for the given JSON length and checksum into <paramref name="prelude"/> (64 bytes).</summary>
    public void WritePrelude(Span<byte> prelude, int jsonLength, ReadOnlySpan<byte> checksum)
    {
        prelude[..PreludeBytes].Clear();
        Magic.CopyTo(prelude);
        BinaryPrimitives.WriteInt32LittleEndian(prelude[8..], FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(prelude[12..], jsonLength);
        BinaryPrimitives.WriteInt64LittleEndian(prelude[16..], DataOffset(jsonLength));
        BinaryPrimitives.WriteInt64LittleEndian(prelude[24..], DataBytes);
        checksum.CopyTo(prelude[ChecksumOffset..]);
    }

    /// <summary>The prelude fields of a store file; throws a <see cref="CaptioningException"/> naming <paramref name="path"/> when they are not a store's.</summary>
    public static (int JsonLength, long DataOffset, long DataBytes) ReadPrelude(ReadOnlySpan<byte> prelude, string path, long fileLength)
    {
        if (fileLength < PreludeBytes || !prelude[..8].SequenceEqual(Magic))
            throw new CaptioningException($"'{path}' is not a feature store (no CAPFEAT1 header); rerun `caption extract` to build it");
        var version = BinaryPrimitives.ReadInt32LittleEndian(prelude[8..]);
        if (version != FormatVersion)
            throw new CaptioningException($"'{path}' is feature store format version {version}; this build reads version {FormatVersion}; rerun `caption extract` to rebuild it");
        var jsonLength = BinaryPrimitives.ReadInt32LittleEndian(prelude[12..]);
        var dataOffset = BinaryPrimitives.ReadInt64LittleEndian(prelude[16..]);
        var dataBytes = BinaryPrimitives.ReadInt64LittleEndian(prelude[24..]);
        if (jsonLength <= 0 || dataOffset != DataOffset(jsonLength) || dataBytes < 0 || dataOffset + dataBytes != fileLength)
            throw new CaptioningException($"'{path}' is truncated or damaged: the header promises {Math.Max(0, dataOffset) + Math.Max(0, dataBytes)} bytes, the file has {fileLength}; rerun `caption extract` to rebuild it");
        return (jsonLength, dataOffset, dataBytes);
    }

    /// <summary>Parses the JSON header; a malformed one is a <see cref="CaptioningException"/> naming <paramref name="path"/>.</summary>
    public static FeatureStoreHeader Parse(ReadOnlySpan<byte> json, string path)
    {
        HeaderJson? dto;
        try
        {
            dto = JsonSerializer.Deserialize<HeaderJson>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new CaptioningException($"'{path}': the feature store header is not valid JSON ({e.Message}); rerun `caption extract` to rebuild it", e);
        }
        if (dto?.Encoder is null || dto.WeightsHash is null || dto.DatasetFingerprint is null || dto.DType is null || dto.Ids is null || dto.Dimension <= 0)
            throw new CaptioningException($"'{path}': the feature store header lacks encoder, weightsHash, datasetFingerprint, dimension, dtype or ids; rerun `caption extract` to rebuild it");
        if (dto.Count != dto.Ids.Length)
            throw new CaptioningException($"'{path}': the header says count {dto.Count} but lists {dto.Ids.Length} ids; rerun `caption extract` to rebuild it");
        var identity = new FeatureStoreIdentity(dto.Encoder, dto.WeightsHash, dto.DatasetFingerprint, dto.Dimension, ParseDType(dto.DType, $"'{path}'"));
        var skipped = (dto.Skipped ?? []).Select(s => new SkippedFeature(s.Id ?? "", s.Reason ?? "")).ToList();
        return new FeatureStoreHeader(identity, dto.Ids, skipped);
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private sealed class HeaderJson
    {
        public string? Encoder { get; set; }
        public string? WeightsHash { get; set; }
        public string? DatasetFingerprint { get; set; }
        public int Dimension { get; set; }
        [JsonPropertyName("dtype")] public string? DType { get; set; }
        public int Count { get; set; }
        public string[]? Ids { get; set; }
        public SkippedJson[]? Skipped { get; set; }
    }

    private sealed class SkippedJson
    {
        public string? Id { get; set; }
        public string? Reason { get; set; }
    }
}

/// <summary>Fingerprints of an image set, so a store built from other images is refused.</summary>
public static class DatasetFingerprint
{
    /// <summary>The fingerprint of every image of <paramref name="dataset"/>, in order; a missing file counts with length -1.</summary>
    public static string Of(Captioning.Data.CaptionDataset dataset) =>
        Of(dataset.Images.Select(i => (i.Id, File.Exists(i.Path) ? new FileInfo(i.Path).Length : -1L)));


    /// <summary>SHA-256 (hex) over the ids in order with each file's length; cheap enough for every open.</summary>
    public static string Of(IEnumerable<(string Id, long Length)> images)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];
        foreach (var (id, length) in images)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(id));
            BinaryPrimitives.WriteInt64LittleEndian(number, length);
            hash.AppendData([0]);
            hash.AppendData(number);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
