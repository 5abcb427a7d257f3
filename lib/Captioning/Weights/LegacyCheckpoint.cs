using Captioning.Weights.Pickle;

namespace Captioning.Weights;

/// <summary>
/// A legacy (torch 0.4-1.5, or <c>_use_new_zipfile_serialization=False</c>) checkpoint: five pickles
/// (magic number, protocol version, system info, the object, the storage keys) followed by each
/// storage as an 8-byte little-endian element count and its raw bytes.
/// </summary>
/// <remarks>
/// TorchSharp.PyBridge reads only the zip format (its <c>PyTorchUnpickler</c> throws NotImplementedException
/// for anything that does not start with a zip signature), so this reader stays: it is format code that
/// yields storages as bytes, and <see cref="PthCheckpoint"/> turns them into <c>torch.Tensor</c>s.
/// </remarks>
internal sealed class LegacyCheckpoint : ICheckpointSource
{
    // 0x1950a86a20f9469cfc6c as LONG1's little-endian two's complement bytes.
    private static readonly byte[] Magic = [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
    private const long ProtocolVersion = 1001;

    // The pickles precede the storages and hold only names and shapes, so a small prefix of the
    // file usually holds them all; it grows only when a pickle runs past it.
    private const int FirstChunk = 1 << 20;
    private const int MaxPickleBytes = 256 << 20;

    private readonly FileStream stream;
    private readonly string path;
    private readonly LegacyStorages storages;
    private readonly object? root;

    private LegacyCheckpoint(FileStream stream, string path, LegacyStorages storages, object? root)
    {
        this.stream = stream;
        this.path = path;
        this.storages = storages;
        this.root = root;
    }

    /// <summary>
    /// Reads and checks the pickles and the storage table; storage data stays on disk until <see cref="ReadStorage"/>.
    /// The stream stays the caller's.
    /// </summary>
    public static LegacyCheckpoint Open(FileStream stream, string path)
    {
        var length = stream.Length;
        var chunk = (int)Math.Min(length, FirstChunk);
        while (true)
        {
            var bytes = new byte[chunk];
            stream.Position = 0;
            stream.ReadExactly(bytes);
            try
            {
                var storages = new LegacyStorages(path);
                var (root, end) = ParsePickles(bytes, path, storages);
                storages.LocateData(stream, end);
                return new LegacyCheckpoint(stream, path, storages, root);
            }
            catch (PickleTruncatedException) when (chunk < length && chunk < MaxPickleBytes)
            {
                chunk = (int)Math.Min(Math.Min(length, 4L * chunk), MaxPickleBytes);
            }
            catch (PickleTruncatedException e) when (chunk < length)
            {
                throw new CaptioningException($"'{path}': the legacy checkpoint's pickles run past its first {MaxPickleBytes} bytes; they hold only names and shapes (ResNet-50's take about 40 KB), so the file is corrupt or hostile", e);
            }
            catch (PickleTruncatedException e)
            {
                throw new CaptioningException(e.Message, e);
            }
        }
    }

    private static (object? Root, int End) ParsePickles(byte[] bytes, string path, LegacyStorages storages)
    {
        var position = SkipMagic(bytes, path);
        object? NoPersistentIds(object? pid) => throw new CaptioningException($"'{path}': a legacy header pickle holds persistent id {PickleValues.Describe(pid)}; the file is corrupt");

        var (version, end) = PickleReader.LoadAt(bytes, position, path, NoPersistentIds);
        if (version is not ProtocolVersion)
            throw new CaptioningException($"'{path}': legacy checkpoint protocol version is {PickleValues.Describe(version)}, expected {ProtocolVersion}");
        var (sysInfo, afterInfo) = PickleReader.LoadAt(bytes, end, path, NoPersistentIds);
        CheckSysInfo(sysInfo, path);
        var (root, afterRoot) = PickleReader.LoadAt(bytes, afterInfo, path, storages.PersistentLoad);
        var (keys, afterKeys) = PickleReader.LoadAt(bytes, afterRoot, path, NoPersistentIds);
        if (keys is not List<object?> list)
            throw new CaptioningException($"'{path}': the legacy checkpoint's storage key list is {PickleValues.Describe(keys)}, expected a list of strings");
        storages.SetOrder(list);
        return (root, afterKeys);
    }

    private static int SkipMagic(byte[] bytes, string path)
    {
        // PROTO n, then (protocol 4+) maybe a FRAME, then LONG1 of 10 bytes and STOP.
        var p = 2;
        if (bytes.Length > p && bytes[p] == 0x95) p += 9;
        byte[] expected = [0x8a, (byte)Magic.Length, .. Magic, (byte)'.'];
        var available = Math.Max(0, Math.Min(expected.Length, bytes.Length - p));
        if (bytes.Length >= p && !bytes.AsSpan(p, available).SequenceEqual(expected.AsSpan(0, available)))
            throw new CaptioningException($"'{path}' is a pickle but not a PyTorch checkpoint: it does not open with torch's magic number 0x1950a86a20f9469cfc6c (expected a file written by torch.save)");
        if (available < expected.Length)
            throw new PickleTruncatedException($"'{path}': the file ends after {bytes.Length} bytes, inside the legacy checkpoint's magic number; it is truncated");
        return p + expected.Length;
    }

    private static void CheckSysInfo(object? sysInfo, string path)
    {
        if (sysInfo is not PickleDict info)
            throw new CaptioningException($"'{path}': the legacy checkpoint's system info is {PickleValues.Describe(sysInfo)}, expected a dict");
        // The storages are raw machine bytes; only type sizes of short/int/long, which no tensor storage uses, may differ.
        if (info.TryGet("little_endian", out var little) && little is false)
            throw new CaptioningException($"'{path}': the checkpoint was saved on a big-endian machine; only little-endian checkpoints are supported");
    }

    /// <inheritdoc/>
    public object? ReadPickle() => root;

    /// <inheritdoc/>
    public byte[] ReadStorage(StorageRef storage)
    {
        var (offset, count) = storages.Locate(storage);
        var bytes = new byte[count];
        try
        {
            stream.Position = offset;
            stream.ReadExactly(bytes);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            throw new CaptioningException($"'{path}': storage '{storage.Key}' cannot be read at byte {offset} ({e.Message}); the checkpoint is damaged or truncated", e);
        }
        return bytes;
    }

    /// <summary>Nothing to free: the stream belongs to the caller.</summary>
    public void Dispose()
    {
    }
}
