using Captioning.Weights.Pickle;

namespace Captioning.Weights;

/// <summary>Where a checkpoint's pickle and storages come from: a zip archive or a legacy pickle stream.</summary>
internal interface ICheckpointSource : IDisposable
{
    /// <summary>The unpickled top-level object; storages stay unread.</summary>
    object? ReadPickle();

    /// <summary>The raw little-endian bytes of a storage the pickle referenced.</summary>
    byte[] ReadStorage(StorageRef storage);
}

/// <summary>Tells the <c>torch.save</c> formats apart by their first bytes and opens the matching reader.</summary>
internal static class CheckpointSource
{
    /// <summary>
    /// Opens a zip (torch 1.6+) or legacy pickle (torch 0.4-1.5) checkpoint read from <paramref name="stream"/>,
    /// which stays the caller's (the source never closes it); refuses tar checkpoints and other files.
    /// </summary>
    public static ICheckpointSource Open(FileStream stream, string path)
    {
        var head = new byte[512];
        stream.Position = 0;
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (read >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4) return PthArchive.Open(stream, path);
        if (read >= 262 && head.AsSpan(257, 5).SequenceEqual("ustar"u8))
            throw new CaptioningException(
                $"'{path}' is a tar-format PyTorch checkpoint (torch 0.1-0.3), which this reader does not support; " +
                "load it with torch and re-save it (torch.save(torch.load(path), new_path)), or convert it to safetensors");
        // Every pickle protocol from 2 on opens with PROTO; the legacy reader checks the magic number that follows.
        if (read >= 2 && head[0] == 0x80) return LegacyCheckpoint.Open(stream, path);
        throw new CaptioningException(
            $"'{path}' is not a PyTorch checkpoint: it starts with neither a zip signature (torch.save of torch 1.6 or newer) " +
            "nor a pickle (the legacy format of torch 0.4-1.5)");
    }
}
