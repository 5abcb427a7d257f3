using System.IO.MemoryMappedFiles;
using TorchSharp;
using static TorchSharp.torch;

namespace Captioning.Weights;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
/// naming every tensor's dtype, shape and byte range, then the raw little-endian data.
/// </summary>
/// <remarks>
/// This is our own reader and writer rather than TorchSharp.PyBridge's <c>Safetensors</c>: sealed checkpoints
/// and feature stores keep a SHA-256 seal in the header's <c>__metadata__</c>, which PyBridge's
/// <c>SaveStateDict</c> cannot write (nor <c>LoadStateDict</c> return); its writer does not lay tensors out as the
/// reference writer does (alignment order, padded header), so files would stop being byte-identical
/// across releases; and its reader checks neither the header's size limit nor that the byte ranges tile
/// the data exactly (overlaps, gaps, truncation), so a damaged file would load or fail with a bare
/// <see cref="NotImplementedException"/> instead of the messages below. The format is 40 lines of JSON
/// and offsets: it is file-format code, not a binding.
/// </remarks>
public static class SafeTensors
{
    /// <summary>
    /// Writes <paramref name="tensors"/> (any device, any layout) and optional string metadata to
    /// <paramref name="path"/> atomically, laid out byte for byte as the reference Python/Rust writer does.
    /// </summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        Save(path, tensors, metadata, seal: null);

    /// <summary>
    /// Like <see cref="Save(string, IReadOnlyDictionary{string, Tensor}, IReadOnlyDictionary{string, string}?)"/>, plus a
    /// <see cref="CheckpointIntegrity"/> seal in the metadata: the data's SHA-256, each of <paramref name="boundFiles"/>'
    /// (name → bytes) and the metadata's own. <see cref="VerifySeal"/> checks it on load.
    /// </summary>
    public static void SaveSealed(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata,
        IReadOnlyDictionary<string, byte[]>? boundFiles = null) =>
        Save(path, tensors, metadata, dataHash => CheckpointIntegrity.Seal(metadata, dataHash, boundFiles));

    /// <summary>
    /// Checks the seal written by <see cref="SaveSealed"/> (bound files looked up in <paramref name="folder"/>, by default the
    /// file's own, and hashed as <paramref name="content"/> makes them) and returns the file's metadata; see
    /// <see cref="CheckpointIntegrity.Verify"/> for what a mismatch or a missing seal does.
    /// </summary>
    public static IReadOnlyDictionary<string, string> VerifySeal(string path, Func<string> advice, string? folder = null, Func<string, byte[], byte[]>? content = null)
    {
        (IReadOnlyDictionary<string, string> Metadata, string DataHash) read;
        try
        {
            read = MetadataAndDataHash(path);
        }
        catch (CaptioningException e)
        {
            throw new CaptioningException($"{e.Message}; {advice()}", e);
        }
        CheckpointIntegrity.Verify(path, read.Metadata, read.DataHash, folder ?? FolderOf(path), content, advice);
        return read.Metadata;
    }

    /// <summary>True when the file parses and its seal matches (no warning, no exception): for choosing which checkpoint to recommend.</summary>
    public static bool HasIntactSeal(string path, string? folder = null, Func<string, byte[], byte[]>? content = null)
    {
        try
        {
            var (metadata, dataHash) = MetadataAndDataHash(path);
            return CheckpointIntegrity.IsIntact(path, metadata, dataHash, folder ?? FolderOf(path), content);
        }
        catch (CaptioningException)
        {
            return false;
        }
    }

    // The header's metadata and the SHA-256 of every byte after the header: what a seal is checked against.
    private static (IReadOnlyDictionary<string, string> Metadata, string DataHash) MetadataAndDataHash(string path)
    {
        using var file = Open(path);
        var header = SafeTensorsHeader.Read(file, path);
        file.Position = header.DataStart;
        return (header.Metadata, CheckpointIntegrity.Hash(file));
    }

    private static string FolderOf(string path) => Path.GetDirectoryName(Path.GetFullPath(path))!;

    private static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata,
        Func<string, IReadOnlyDictionary<string, string>>? seal)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new CaptioningException($"cannot write safetensors file '{path}': folder '{folder}' does not exist");

        var ordered = Layout(tensors, path);
        if (seal != null) metadata = seal(DataHash(ordered, tensors));
        var header = SafeTensorsHeader.Build(ordered, metadata);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                file.Write(BitConverter.GetBytes((ulong)header.Length));
                file.Write(header);
                foreach (var info in ordered)
                {
                    // One tensor's bytes at a time, straight from its memory (a copy only for GPU or strided tensors).
                    using var bytes = TensorBytes.Of(tensors[info.Name]);
                    file.Write(bytes.Span);
                }
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// Loads every tensor of a safetensors file onto <paramref name="device"/> (CPU by default), in
    /// file order; the file is memory-mapped, so only the tensors themselves take memory.
    /// </summary>
    public static unsafe TensorDictionary Load(string path, Device? device = null)
    {
        using var file = Open(path);
        var header = SafeTensorsHeader.Read(file, path);
        var result = new TensorDictionary();
        try
        {
            if (file.Length == header.DataStart)
            {
                // Nothing to map (only empty tensors); an empty mapping is not allowed.
                foreach (var info in header.Tensors) result.Add(info.Name, TensorBytes.FromBytes([], info.DType, info.Shape, device));
                return result;
            }
            using var mapping = MemoryMappedFile.CreateFromFile(file, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            using var view = mapping.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* start = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
            try
            {
                var data = start + view.PointerOffset + header.DataStart;
                foreach (var info in header.Tensors)
                {
                    if (info.ByteCount > int.MaxValue)
                        throw new CaptioningException($"safetensors file '{path}': tensor '{info.Name}' holds {info.ByteCount} bytes; tensors over 2 GiB are not supported");
                    var bytes = new ReadOnlySpan<byte>(data + info.Begin, (int)info.ByteCount);
                    result.Add(info.Name, TensorBytes.FromBytes(bytes, info.DType, info.Shape, device));
                }
            }
            finally
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>Names, dtypes, shapes and byte ranges of the tensors in a safetensors file (in file order), without reading their data.</summary>
    public static IReadOnlyList<SafeTensorInfo> ReadHeader(string path)
    {
        using var file = Open(path);
        return SafeTensorsHeader.Read(file, path).Tensors;
    }

    /// <summary>The free-form string metadata of a safetensors file ("__metadata__"), empty when it has none.</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var file = Open(path);
        return SafeTensorsHeader.Read(file, path).Metadata;
    }

    // A first pass over the data, one tensor at a time as the write does, because the header that holds the hash precedes the data.
    private static string DataHash(List<SafeTensorInfo> ordered, IReadOnlyDictionary<string, Tensor> tensors)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var info in ordered)
        {
            using var bytes = TensorBytes.Of(tensors[info.Name]);
            sha.AppendData(bytes.Span);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static FileStream Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new CaptioningException($"safetensors file '{path}' does not exist");
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    /// <summary>The reference writer's order: larger element alignment first, then names by UTF-8 bytes; offsets follow from it.</summary>
    private static List<SafeTensorInfo> Layout(IReadOnlyDictionary<string, Tensor> tensors, string path)
    {
        var entries = new List<(string Name, ScalarType DType, long[] Shape, long Bytes)>();
        foreach (var (name, tensor) in tensors)
        {
            if (string.IsNullOrEmpty(name) || name == "__metadata__")
                throw new CaptioningException($"cannot write safetensors file '{path}': '{name}' is not a valid tensor name (empty or reserved)");
            if (tensor is null || tensor.IsInvalid)
                throw new CaptioningException($"cannot write safetensors file '{path}': tensor '{name}' is null or disposed");
            var dtype = tensor.dtype;
            if (!SafeTensorDTypes.IsSupported(dtype))
                throw new CaptioningException($"cannot write safetensors file '{path}': tensor '{name}' has dtype {dtype}, which safetensors files here do not hold (supported: {SafeTensorDTypes.Supported})");
            var bytes = tensor.NumberOfElements * dtype.ElementSize();
            if (bytes > Array.MaxLength)
                throw new CaptioningException($"cannot write safetensors file '{path}': tensor '{name}' holds {bytes} bytes; tensors over 2 GiB are not supported");
            entries.Add((name, dtype, tensor.shape, bytes));
        }
        entries.Sort((a, b) =>
        {
            var byAlignment = SafeTensorDTypes.AlignmentRank(b.DType).CompareTo(SafeTensorDTypes.AlignmentRank(a.DType));
            return byAlignment != 0 ? byAlignment : Utf8Order.Instance.Compare(a.Name, b.Name);
        });
        var ordered = new List<SafeTensorInfo>(entries.Count);
        long offset = 0;
        foreach (var e in entries)
        {
            ordered.Add(new SafeTensorInfo(e.Name, e.DType, e.Shape, offset, offset + e.Bytes));
            offset += e.Bytes;
        }
        return ordered;
    }
}
