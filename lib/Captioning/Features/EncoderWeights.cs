using Captioning.Torch;
using Captioning.Torch.Serialization;

namespace Captioning.Features;

/// <summary>
/// Loads pretrained weights into an encoder from a torchvision .pth (PyTorch zip checkpoint) or a
/// safetensors file, strictly: every key must exist with the right shape, except the encoder's
/// <see cref="IImageEncoder.IgnoredWeightKeys"/> (the classifier head), which are dropped if present.
/// </summary>
public static class EncoderWeights
{
    private static readonly byte[] ZipMagic = "PK\u0003\u0004"u8.ToArray();

    /// <summary>
    /// Copies the weights in <paramref name="path"/> into <paramref name="encoder"/>. The format is
    /// recognised from the content (a zip is a PyTorch checkpoint, anything else is read as
    /// safetensors). Errors start with the file and the encoder and list every missing,
    /// unexpected or mis-shaped key; on error the encoder's weights are unchanged.
    /// </summary>
    public static void Load(IImageEncoder encoder, string path)
    {
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
            encoder.Module.LoadStateDict(tensors, strict: true);
        }
        catch (CaptioningException e)
        {
            throw new CaptioningException($"{what}: the file does not hold {encoder.Name} weights ({e.Message})", e);
        }
    }

    /// <summary>True when the file starts like a zip archive, i.e. a torch.save checkpoint of torch 1.6 or later.</summary>
    public static bool IsPyTorchCheckpoint(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        return stream.ReadAtLeast(head, 4, throwOnEndOfStream: false) == 4 && head.SequenceEqual(ZipMagic);
    }

    /// <summary>Reads every tensor of a .pth or safetensors file, recognised by content, onto the CPU.</summary>
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
            var prefix = $"'{path}': ";
            if (detail.StartsWith(prefix, StringComparison.Ordinal)) detail = detail[prefix.Length..];
            throw new CaptioningException($"{what}: {detail}", e);
        }
    }
}
