using System.IO.Compression;
using Captioning.Weights.Pickle;
using TorchSharp;

namespace Captioning.Weights;

/// <summary>
/// The zip container of a <c>torch.save</c> file: one top folder of any name holding
/// <c>data.pkl</c>, <c>data/&lt;key&gt;</c> storages, <c>version</c> and maybe <c>byteorder</c>.
/// </summary>
internal sealed class PthArchive : ICheckpointSource
{
    // Storages live outside the pickle, so its size is bounded by the number of tensors, not their size.
    private const long MaxPickleBytes = 256L << 20;

    private readonly ZipArchive zip;
    private readonly string path;
    private readonly string prefix;
    private bool usesLong1;

    private PthArchive(ZipArchive zip, string path, string prefix)
    {
        this.zip = zip;
        this.path = path;
        this.prefix = prefix;
    }

    /// <summary>
    /// Opens a zip checkpoint read from <paramref name="stream"/>, which stays the caller's;
    /// <see cref="CheckpointSource.Open"/> has already told the formats apart.
    /// </summary>
    public static PthArchive Open(FileStream stream, string path)
    {
        CheckSignature(stream, path);
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new CaptioningException($"'{path}': the zip container is damaged or truncated ({e.Message}); download or save the checkpoint again", e);
        }
        try
        {
            return new PthArchive(zip, path, FindPrefix(zip, path));
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    private static void CheckSignature(FileStream stream, string path)
    {
        stream.Position = 0;
        var head = new byte[4];
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (read >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4) return;
        throw new CaptioningException($"'{path}' is not a PyTorch zip checkpoint (it does not start with a zip signature); expected a file written by torch.save with torch 1.6 or newer");
    }

    private static string FindPrefix(ZipArchive zip, string path)
    {
        var pickles = zip.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.IndexOf('/') == e.FullName.Length - "/data.pkl".Length).ToList();
        if (pickles.Count == 0)
            throw new CaptioningException($"'{path}': the zip holds no '<folder>/data.pkl' entry, so it is not a torch.save checkpoint (entries: {string.Join(", ", zip.Entries.Take(10).Select(e => e.FullName))})");
        if (pickles.Count > 1)
            throw new CaptioningException($"'{path}': the zip holds {pickles.Count} data.pkl entries ({string.Join(", ", pickles.Select(e => e.FullName))}); expected one");
        var prefix = pickles[0].FullName[..^"data.pkl".Length];
        var byteOrder = zip.GetEntry(prefix + "byteorder");
        if (byteOrder != null)
        {
            var order = System.Text.Encoding.ASCII.GetString(ReadAll(byteOrder, path)).Trim();
            if (order != "little")
                throw new CaptioningException($"'{path}': storages are stored in '{order}' byte order; only little-endian checkpoints are supported");
        }
        return prefix;
    }

    /// <summary>Unpickles data.pkl; storages stay unread until <see cref="ReadStorage"/>.</summary>
    public object? ReadPickle()
    {
        var entry = zip.GetEntry(prefix + "data.pkl")!;
        if (entry.Length > MaxPickleBytes)
            throw new CaptioningException($"'{path}': '{entry.FullName}' declares {entry.Length} bytes; a state-dict pickle holds only names and shapes (ResNet-50's is about 40 KB), so more than {MaxPickleBytes} bytes means a corrupt or hostile file");
        var root = PickleReader.Load(ReadAll(entry, path), $"{path}:{entry.FullName}", out var long1);
        usesLong1 = long1;
        return root;
    }

    /// <summary>The raw bytes of a storage, checked against the element count the pickle declares.</summary>
    public byte[] ReadStorage(StorageRef storage) => ReadAll(StorageEntry(storage), path);

    private ZipArchiveEntry StorageEntry(StorageRef storage)
    {
        var name = $"{prefix}data/{storage.Key}";
        var entry = zip.GetEntry(name)
            ?? throw new CaptioningException($"'{path}': storage '{storage.Key}' is referenced by the pickle but the zip has no entry '{name}'");
        var expected = storage.NumEl * storage.DType.ElementSize();
        if (entry.Length != expected)
            throw new CaptioningException($"'{path}': entry '{name}' holds {entry.Length} bytes but the pickle declares {storage.NumEl} {storage.DType} elements ({expected} bytes)");
        return entry;
    }

    /// <summary>
    /// True when TorchSharp.PyBridge's <c>PyTorchUnpickler</c> reads exactly what this archive checked and can
    /// rebuild every tensor of the pickle: it takes the first entry whose name ends in <c>data.pkl</c> and, for each
    /// storage, the first entry whose path ends in <c>data/&lt;key&gt;</c>, so those must be this archive's own; each
    /// storage entry must hold the bytes its pickle declares; and it fills each tensor from the start of its storage
    /// with <c>torch.empty(size).as_strided(size, stride, offset)</c>, refuses parameters and needs the
    /// requires_grad argument of <c>_rebuild_tensor_v2</c>, so every tensor must be a dense view at offset 0 built
    /// by <c>_rebuild_tensor_v2</c>; and it casts sizes to 32-bit ints, which fails for LONG1 integers. A
    /// <c>torch.save(model.state_dict())</c> file of contiguous tensors always qualifies; views, shared storages
    /// with offsets and parameters inside wrapper dicts do not. Call after <see cref="ReadPickle"/>.
    /// </summary>
    public bool PyBridgeReadsAsChecked(IReadOnlyCollection<PickledTensor> tensors)
    {
        if (usesLong1) return false;
        var firstPickle = zip.Entries.FirstOrDefault(e => e.Name.EndsWith("data.pkl", StringComparison.Ordinal));
        if (firstPickle?.FullName != prefix + "data.pkl") return false;
        foreach (var tensor in tensors)
        {
            if (tensor.Rebuilder != "_rebuild_tensor_v2" || tensor.Offset != 0 || !StridedView.IsContiguous(tensor.Size, tensor.Stride)) return false;
            var numel = tensor.Size.Aggregate(1L, (n, s) => n * s);
            if (numel > tensor.Storage.NumEl) return false;
            var name = $"{prefix}data/{tensor.Storage.Key}";
            var entry = zip.GetEntry(name);
            if (entry == null || entry.Length != tensor.Storage.NumEl * tensor.Storage.DType.ElementSize()) return false;
            var found = zip.Entries.First(e => e.FullName.EndsWith($"data/{tensor.Storage.Key}", StringComparison.Ordinal));
            if (found.FullName != name) return false;
        }
        return true;
    }

    private static byte[] ReadAll(ZipArchiveEntry entry, string path)
    {
        if (entry.Length > Array.MaxLength)
            throw new CaptioningException($"'{path}': entry '{entry.FullName}' holds {entry.Length} bytes; entries over 2 GiB are not supported");
        var bytes = new byte[entry.Length];
        try
        {
            using var stream = entry.Open();
            stream.ReadExactly(bytes);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new CaptioningException($"'{path}': entry '{entry.FullName}' cannot be read ({e.Message}); the checkpoint is damaged or truncated", e);
        }
        return bytes;
    }

    /// <inheritdoc/>
    public void Dispose() => zip.Dispose();
}
