using System.Text;
using System.Text.Json.Nodes;

namespace Captioning.Tests.Training;

/// <summary>
/// Damages safetensors files and their companions the way disks and hand edits do, working on raw bytes
/// (8-byte length, JSON header, data) rather than through the product's reader or writer.
/// </summary>
internal static class CheckpointDamage
{
    /// <summary>Where the data region starts: after the 8-byte length prefix and the header.</summary>
    public static long DataStart(string path)
    {
        using var file = File.OpenRead(path);
        var prefix = new byte[8];
        file.ReadExactly(prefix);
        return 8 + (long)BitConverter.ToUInt64(prefix);
    }

    /// <summary>Inverts <paramref name="count"/> bytes in the middle of the tensor data (the reproduction: 64 bytes).</summary>
    public static void FlipData(string path, int count = 64)
    {
        var bytes = File.ReadAllBytes(path);
        var start = DataStart(path);
        var middle = start + (bytes.Length - start) / 2;
        for (var i = 0; i < count; i++) bytes[middle + i] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Changes one metadata value's first digit in place: the header stays valid JSON of the same length.</summary>
    public static void ChangeHeaderDigit(string path, string key)
    {
        var bytes = File.ReadAllBytes(path);
        var header = Encoding.UTF8.GetString(bytes, 8, (int)DataStart(path) - 8);
        var at = header.IndexOf($"\"{key}\":\"", StringComparison.Ordinal);
        if (at < 0) throw new InvalidOperationException($"no metadata '{key}' in {path}");
        var digit = header.IndexOfAny("0123456789".ToCharArray(), at + key.Length + 4);
        bytes[8 + digit] = (byte)(bytes[8 + digit] == '9' ? '8' : bytes[8 + digit] + 1); // ASCII, so char index = byte index
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Overwrites the header's opening brace: the header is no longer JSON.</summary>
    public static void BreakHeader(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[8] = (byte)'#';
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Appends a space to a text file: its meaning is the same, its bytes (and hash) are not.</summary>
    public static void Touch(string path) => File.AppendAllText(path, " ");

    /// <summary>Rewrites the file as an earlier release wrote it: the same tensors and data, metadata without the sha256.* seal.</summary>
    public static void StripSeal(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var start = (int)DataStart(path);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, start - 8))!.AsObject();
        var metadata = header["__metadata__"]!.AsObject();
        foreach (var key in metadata.Select(kv => kv.Key).Where(k => k.StartsWith("sha256.", StringComparison.Ordinal)).ToList()) metadata.Remove(key);
        var json = header.ToJsonString();
        json += new string(' ', (8 - Encoding.UTF8.GetByteCount(json) % 8) % 8);
        var headerBytes = Encoding.UTF8.GetBytes(json);
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((ulong)headerBytes.Length));
        file.Write(headerBytes);
        file.Write(bytes, start, bytes.Length - start);
    }
}
