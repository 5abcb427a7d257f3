using Captioning.Weights;

namespace Captioning.Features;

/// <summary>
/// Loads pretrained weights into an encoder from a torchvision .pth (PyTorch checkpoint, read through
/// <see cref="PthCheckpoint"/>: our pickle whitelist, then TorchSharp.PyBridge) or a safetensors file, strictly:
/// every key must exist with the right shape, except the encoder's <see cref="IImageEncoder.IgnoredWeightKeys"/>
/// (the classifier head), which are dropped if present.
/// </summary>
public static class EncoderWeights
{
    private static readonly byte[] ZipMagic = "PK\u0003\u0004"u8.ToArray();

    // Pickle protocol 2 then LONG1 of torch's legacy magic number 0x1950a86a20f9469cfc6c.
    private static readonly byte[] LegacyMagic = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

    /// <summary>
    /// Copies the weights in <paramref name="path"/> into <paramref name="encoder"/>. The format is
    /// recognised as <see cref="IsPyTorchCheckpoint"/> says (anything else is read as safetensors). Errors start with the file and the encoder and list every missing,
    /// unexpected or mis-shaped key; on error the encoder's weights are unchanged.
    /// </summary>
    public static void Load(IImageEncoder encoder, string path)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        TorchRuntime.EnsureLoaded();
        var what = $"'{path}' ({encoder.Name} weights)";
        if (!File.Exists(path))
            throw new CaptioningException($"{what}: file not found; expected a torchvision .pth checkpoint or a .safetensors file");
        using var tensors = Read(path, what);
        foreach (var key in encoder.IgnoredWeightKeys)
        {
            if (tensors.ContainsKey(key)) tensors.Take(key).Dispose();
        }
        try
        {
            encoder.Module.LoadStateDict(tensors, strict: true); // TorchSharp's load_state_dict, after listing what does not fit
        }
        catch (CaptioningException e)
        {
            throw new CaptioningException($"{what}: the file does not hold {encoder.Name} weights ({e.Message})", e);
        }
    }

    /// <summary>
    /// True when the file is to be read as a PyTorch checkpoint: it starts like a zip (torch 1.6 and
    /// later), is named .pth/.pt, or (unless named .safetensors) opens like an older torch.save
    /// file (the legacy pickle format, which is read, or the tar format, which is refused with advice).
    /// Anything else is read as safetensors.
    /// </summary>
    public static bool IsPyTorchCheckpoint(string path)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[262];
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read >= 4 && head.AsSpan(0, 4).SequenceEqual(ZipMagic)) return true;
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".safetensors") return false;
        if (extension is ".pth" or ".pt") return true;
        // A safetensors header length can start with any byte, so only the full legacy openings count.
        return (read >= LegacyMagic.Length && head.AsSpan(0, LegacyMagic.Length).SequenceEqual(LegacyMagic))
            || (read >= 262 && head.AsSpan(257, 5).SequenceEqual("ustar"u8));
    }

    /// <summary>Reads every tensor of a .pth or safetensors file onto the CPU, the format recognised as <see cref="IsPyTorchCheckpoint"/> says.</summary>
    public static TensorDictionary ReadTensors(string path) =>
        IsPyTorchCheckpoint(path) ? PthCheckpoint.Load(path) : SafeTensors.Load(path);

    private static TensorDictionary Read(string path, string what)
    {
        try
        {
            return ReadTensors(path);
        }
        catch (CaptioningException e)
        {
            // The readers start their messages with the path; say it once, with the encoder.
            var detail = e.Message;
            var quoted = $"'{path}'";
            if (detail.StartsWith(quoted + ": ", StringComparison.Ordinal)) detail = detail[(quoted.Length + 2)..];
            else if (detail.StartsWith(quoted + " ", StringComparison.Ordinal)) detail = "the file" + detail[quoted.Length..];
            throw new CaptioningException($"{what}: {detail}", e);
        }
    }
}
