using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Captioning;

/// <summary>
/// SHA-256 seals for saved weights: the hash of a file's tensor data, of its other metadata and of the
/// files it belongs with (a run's config.json, vocabulary.json, a JSON sidecar) are kept as strings in
/// its metadata, so any safetensors reader still reads it. Works on bytes and string maps only, so it
/// does not change when the tensor library does. docs/checkpoints.md, "Checkpoint hashes".
/// </summary>
public static class CheckpointIntegrity
{
    /// <summary>Prefix of every key this class adds.</summary>
    public const string Prefix = "sha256.";

    /// <summary>SHA-256 of the data region (every byte after the header).</summary>
    public const string DataKey = Prefix + "data";

    /// <summary>SHA-256 of the other metadata entries, so a flipped epoch or optimiser setting in the header is caught too.</summary>
    public const string MetadataKey = Prefix + "metadata";

    /// <summary>
    /// Prefix of the SHA-256 of a bound file, followed by the file's name (relative to the checkpoint's folder or the
    /// folder given); the hash covers the file's bytes, or what a <c>content</c> function makes of them.
    /// </summary>
    public const string FilePrefix = Prefix + "file:";

    private static readonly ConcurrentDictionary<string, bool> Warned = new(StringComparer.Ordinal);

    /// <summary>Lowercase hex SHA-256 of <paramref name="bytes"/>.</summary>
    public static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Lowercase hex SHA-256 of a stream's remaining bytes.</summary>
    public static string Hash(Stream stream) => Convert.ToHexStringLower(SHA256.HashData(stream));

    /// <summary>
    /// <paramref name="metadata"/> plus the seal: the data hash, the hash of each bound file's bytes
    /// (name → bytes) and, last, the hash of all of these entries.
    /// </summary>
    public static Dictionary<string, string> Seal(IReadOnlyDictionary<string, string> metadata, string dataHash, IReadOnlyDictionary<string, byte[]>? boundFiles = null)
    {
        var sealedMetadata = new Dictionary<string, string>(metadata, StringComparer.Ordinal) { [DataKey] = dataHash };
        foreach (var (name, bytes) in boundFiles ?? new Dictionary<string, byte[]>()) sealedMetadata[FilePrefix + name] = Hash(bytes);
        sealedMetadata[MetadataKey] = MetadataHash(sealedMetadata);
        return sealedMetadata;
    }

    /// <summary>
    /// Checks a loaded file's seal: its data hash (<paramref name="dataHash"/>, computed by the caller over the
    /// data region), its metadata and its bound files in <paramref name="folder"/> (hashed as <paramref name="content"/> makes
    /// them from name and bytes; as they are when null). A mismatch is a
    /// <see cref="CaptioningException"/> naming the file and ending in <paramref name="advice"/>; a file written
    /// before seals existed loads with a one-line warning on stderr (once per file per process).
    /// </summary>
    public static void Verify(string path, IReadOnlyDictionary<string, string> metadata, string dataHash, string folder,
        Func<string, byte[], byte[]>? content, Func<string> advice)
    {
        if (!metadata.TryGetValue(DataKey, out var recorded))
        {
            if (Warned.TryAdd(Path.GetFullPath(path), true))
                Console.Error.WriteLine($"warning: '{path}' has no SHA-256 in its metadata (written by an earlier release); it is loaded unverified");
            return;
        }
        if (Problem(path, metadata, recorded, dataHash, folder, content) is { } problem)
            throw new CaptioningException($"{problem}; {advice()}");
    }

    /// <summary>True when the metadata of <paramref name="path"/> carries a seal that matches <paramref name="dataHash"/>, itself and its bound files in <paramref name="folder"/>.</summary>
    public static bool IsIntact(string path, IReadOnlyDictionary<string, string> metadata, string dataHash, string folder, Func<string, byte[], byte[]>? content) =>
        metadata.TryGetValue(DataKey, out var recorded) && Problem(path, metadata, recorded, dataHash, folder, content) == null;

    // The first part of the seal that does not hold, said as the start of an error about <path>; null when all of it holds.
    private static string? Problem(string path, IReadOnlyDictionary<string, string> metadata, string recordedData, string dataHash, string folder,
        Func<string, byte[], byte[]>? content)
    {
        if (recordedData != dataHash)
            return $"'{path}' is damaged: its tensor data does not match the SHA-256 recorded when it was written";
        if (!metadata.TryGetValue(MetadataKey, out var recordedMetadata) || recordedMetadata != MetadataHash(metadata))
            return $"'{path}' is damaged: its header metadata does not match the SHA-256 recorded when it was written";
        foreach (var (key, expected) in metadata.Where(kv => kv.Key.StartsWith(FilePrefix, StringComparison.Ordinal)))
        {
            var name = key[FilePrefix.Length..];
            var file = Path.Combine(folder, name);
            if (!File.Exists(file))
                return $"'{file}' is missing, but '{path}' was written together with it";
            if (BoundHash(name, file, content) != expected)
                return $"'{file}' differs from the {name} that '{path}' was written with (the folder mixes two runs, or the file was edited or damaged)";
        }
        return null;
    }

    private static string BoundHash(string name, string file, Func<string, byte[], byte[]>? content)
    {
        var bytes = File.ReadAllBytes(file);
        return Hash(content == null ? bytes : content(name, bytes));
    }

    // Every entry but this hash, sorted by key, each as "<UTF-8 bytes>:key<UTF-8 bytes>:value" (a netstring-like
    // encoding: unambiguous whatever the strings hold, and easy to reproduce in any language).
    private static string MetadataHash(IReadOnlyDictionary<string, string> metadata)
    {
        var encoded = new StringBuilder();
        foreach (var (k, v) in metadata.Where(kv => kv.Key != MetadataKey).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            encoded.Append(Encoding.UTF8.GetByteCount(k)).Append(':').Append(k).Append(Encoding.UTF8.GetByteCount(v)).Append(':').Append(v);
        return Hash(Encoding.UTF8.GetBytes(encoded.ToString()));
    }
}
