using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TorchSharp;
using static TorchSharp.torch;

namespace Captioning.Features;

/// <summary>
/// A finished feature store opened by memory mapping: O(1) lookup of an image's row by id, and
/// batches of rows as (B, D) float32 tensors. The checksum is verified on open unless skipped.
/// </summary>
public sealed unsafe class FeatureStore : IDisposable
{
    private readonly MemoryMappedFile map;
    private readonly MemoryMappedViewAccessor view;
    private readonly byte* rows;
    private readonly Dictionary<string, int> rowOf;
    private bool disposed;

    private FeatureStore(string path, FeatureStoreHeader header, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* basePointer, long dataOffset)
    {
        Path = path;
        Header = header;
        this.map = map;
        this.view = view;
        rows = basePointer + dataOffset;
        rowOf = new Dictionary<string, int>(header.Count, StringComparer.Ordinal);
        for (var i = 0; i < header.Ids.Count; i++)
        {
            if (!rowOf.TryAdd(header.Ids[i], i))
                throw new CaptioningException($"'{path}': image id '{header.Ids[i]}' occurs twice in the feature store; rerun `caption extract` to rebuild it");
        }
    }

    /// <summary>The file this store was opened from.</summary>
    public string Path { get; }

    /// <summary>Encoder, weights, dataset, dimension, dtype, ids and skipped images.</summary>
    public FeatureStoreHeader Header { get; }

    /// <summary>Number of images with a row.</summary>
    public int Count => Header.Count;

    /// <summary>Values per image.</summary>
    public int Dimension => Header.Identity.Dimension;

    /// <summary>
    /// Opens <paramref name="path"/>. With <paramref name="expected"/>, a store from another encoder,
    /// weights, dataset, dimension or dtype is refused naming both; with <paramref name="verifyChecksum"/>
    /// (the default) the SHA-256 of header and rows must match.
    /// </summary>
    public static FeatureStore Open(string path, FeatureStoreIdentity? expected = null, bool verifyChecksum = true)
    {
        if (!File.Exists(path))
        {
            var partial = FeatureStoreWriter.PartialPath(path);
            var hint = File.Exists(partial) ? $" (an unfinished extraction '{partial}' exists; rerun `caption extract` to resume it)" : "; run `caption extract` to build it";
            throw new CaptioningException($"feature store '{path}' does not exist{hint}");
        }
        var length = new FileInfo(path).Length;
        using (var probe = File.OpenRead(path))
        {
            Span<byte> magic = stackalloc byte[8];
            if (length >= 8 && (probe.ReadAtLeast(magic, 8, throwOnEndOfStream: false) < 8 || !magic.SequenceEqual(FeatureStoreHeader.Magic)))
                throw new CaptioningException($"'{path}' is not a feature store (no CAPFEAT1 header); rerun `caption extract` to build it");
        }
        if (length < FeatureStoreHeader.PreludeBytes)
            throw new CaptioningException($"'{path}' is truncated ({length} bytes, shorter than a feature store header); rerun `caption extract` to rebuild it");
        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewAccessor? view = null;
        var acquired = false;
        try
        {
            view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* basePointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref basePointer);
            acquired = true;
            basePointer += view.PointerOffset;
            var prelude = new ReadOnlySpan<byte>(basePointer, FeatureStoreHeader.PreludeBytes);
            var (jsonLength, dataOffset, dataBytes) = FeatureStoreHeader.ReadPrelude(prelude, path, length);
            var json = new ReadOnlySpan<byte>(basePointer + FeatureStoreHeader.PreludeBytes, jsonLength);
            var header = FeatureStoreHeader.Parse(json, path);
            if (header.DataBytes != dataBytes)
                throw new CaptioningException($"'{path}' is damaged: {header.Count} rows of {header.Identity.RowBytes} bytes need {header.DataBytes} bytes, the prelude says {dataBytes}; rerun `caption extract` to rebuild it");
            if (expected != null && header.Identity.Difference(expected) is { } difference)
                throw new CaptioningException($"feature store '{path}' was built for another setup ({difference}: the store's vs the one requested); rerun `caption extract` with --out pointing to a new file, or with the store's settings");
            if (verifyChecksum)
            {
                var stored = prelude.Slice(FeatureStoreHeader.ChecksumOffset, 32);
                var actual = Checksum(json, basePointer + dataOffset, dataBytes);
                if (!stored.SequenceEqual(actual))
                    throw new CaptioningException($"feature store '{path}' failed its checksum (stored {Convert.ToHexStringLower(stored)[..16]}..., computed {Convert.ToHexStringLower(actual)[..16]}...): the file is corrupt; rerun `caption extract` with the same arguments to rebuild it");
            }
            return new FeatureStore(path, header, map, view, basePointer, dataOffset);
        }
        catch
        {
            if (acquired) view!.SafeMemoryMappedViewHandle.ReleasePointer();
            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    // Hashes in 64 MiB slices so stores above 2 GiB work without one giant span.
    private static byte[] Checksum(ReadOnlySpan<byte> json, byte* data, long dataBytes)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(json);
        const long slice = 64L << 20;
        for (long at = 0; at < dataBytes; at += slice)
            hash.AppendData(new ReadOnlySpan<byte>(data + at, (int)Math.Min(slice, dataBytes - at)));
        return hash.GetHashAndReset();
    }

    /// <summary>True when the store has a row for <paramref name="id"/>.</summary>
    public bool Contains(string id) => rowOf.ContainsKey(id);

    /// <summary>The row index of <paramref name="id"/>, or -1.</summary>
    public int TryGetRow(string id) => rowOf.TryGetValue(id, out var row) ? row : -1;

    /// <summary>The row index of <paramref name="id"/>; an unknown id is a <see cref="CaptioningException"/> naming the store (and saying when the image was skipped).</summary>
    public int RowOf(string id)
    {
        if (rowOf.TryGetValue(id, out var row)) return row;
        var skipped = Header.Skipped.FirstOrDefault(s => s.Id == id);
        if (skipped != null) throw new CaptioningException($"image '{id}' has no features in '{Path}': extraction skipped it ({skipped.Reason})");
        throw new CaptioningException($"image '{id}' has no features in '{Path}' ({Count} images); was the store built from another dataset?");
    }

    /// <summary>The raw bytes of row <paramref name="row"/> (valid while the store is open).</summary>
    public ReadOnlySpan<byte> RowBytes(int row)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if ((uint)row >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(row), row, $"the store has {Count} rows");
        var size = Header.Identity.RowBytes;
        return new ReadOnlySpan<byte>(rows + row * size, (int)size);
    }

    /// <summary>The features of <paramref name="id"/> as float32 values.</summary>
    public float[] Read(string id)
    {
        var bytes = RowBytes(RowOf(id));
        var values = new float[Dimension];
        if (Header.Identity.DType == ScalarType.Float32)
            MemoryMarshal.Cast<byte, float>(bytes).CopyTo(values);
        else
        {
            var halves = MemoryMarshal.Cast<byte, Half>(bytes);
            for (var i = 0; i < values.Length; i++) values[i] = (float)halves[i];
        }
        return values;
    }

    /// <summary>Rows <paramref name="rowIndices"/> as a (B, D) float32 tensor: the fast path of training batches.</summary>
    public Tensor ReadRows(IReadOnlyList<int> rowIndices)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var size = (int)Header.Identity.RowBytes;
        using var scope = torch.NewDisposeScope();
        // Rows are copied straight from the mapped file into the tensor's own storage.
        var stored = torch.empty([rowIndices.Count, Dimension], Header.Identity.DType); // (B, D) in the store's dtype
        var target = stored.bytes;
        for (var i = 0; i < rowIndices.Count; i++)
        {
            var row = rowIndices[i];
            if ((uint)row >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(rowIndices), row, $"the store has {Count} rows");
            new ReadOnlySpan<byte>(rows + (long)row * size, size).CopyTo(target.Slice(i * size, size));
        }
        return stored.to(ScalarType.Float32).MoveToOuterDisposeScope(); // (B, D) float32
    }

    /// <summary>The rows of <paramref name="ids"/> as a (B, D) float32 tensor.</summary>
    public Tensor ReadIds(IReadOnlyList<string> ids) => ReadRows(ids.Select(RowOf).ToArray());

    /// <summary>Unmaps the file.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        map.Dispose();
    }
}
