using System.Runtime.InteropServices;

namespace Captioning.Torch;

/// <summary>Decoded 8-bit pixels, row-major (height, width, channels).</summary>
/// <param name="Pixels">The interleaved channel bytes.</param>
/// <param name="Width">Columns.</param>
/// <param name="Height">Rows.</param>
/// <param name="Channels">Channels per pixel (3 for RGB).</param>
public sealed record RawImage(byte[] Pixels, int Width, int Height, int Channels = 3);

/// <summary>JPEG/PNG decoding and encoding through stb_image in the native shim.</summary>
public static class ImageCodec
{
    /// <summary>Decodes an image file to RGB; a file that does not decode throws a <see cref="CaptioningException"/> naming it.</summary>
    public static RawImage Load(string path)
    {
        if (!File.Exists(path)) throw new CaptioningException($"image '{path}' does not exist");
        using var tensor = LoadTensor(path);
        var shape = tensor.Shape;
        return new RawImage(tensor.ToArray<byte>(), (int)shape[1], (int)shape[0]);
    }

    /// <summary>Decodes an image file to an RGB (height, width, 3) uint8 tensor.</summary>
    public static Tensor LoadTensor(string path)
    {
        var pointer = NativeMethods.cap_image_load(path);
        if (pointer == IntPtr.Zero) throw new CaptioningException(NativeMethods.TakeError().Message);
        return new Tensor(pointer);
    }

    /// <summary>Decodes encoded image bytes to RGB.</summary>
    public static unsafe RawImage Decode(ReadOnlySpan<byte> encoded, string what = "image bytes")
    {
        IntPtr pointer;
        fixed (byte* p = encoded) pointer = NativeMethods.cap_image_decode(p, encoded.Length);
        if (pointer == IntPtr.Zero) throw new CaptioningException($"{what}: {NativeMethods.TakeError().Message}");
        using var tensor = new Tensor(pointer);
        var shape = tensor.Shape;
        return new RawImage(tensor.ToArray<byte>(), (int)shape[1], (int)shape[0]);
    }

    /// <summary>PNG bytes of the image.</summary>
    public static byte[] EncodePng(RawImage image) => Encode(image, format: 0, quality: 0);

    /// <summary>JPEG bytes of the image at <paramref name="quality"/> (1-100).</summary>
    public static byte[] EncodeJpeg(RawImage image, int quality = 90) =>
        quality is < 1 or > 100 ? throw new ArgumentOutOfRangeException(nameof(quality), "JPEG quality must be 1-100") : Encode(image, 1, quality);

    /// <summary>Writes the image as PNG or JPEG (by the extension of <paramref name="path"/>), atomically.</summary>
    public static void Save(RawImage image, string path, int jpegQuality = 90)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        var bytes = ext switch
        {
            ".png" => EncodePng(image),
            ".jpg" or ".jpeg" => EncodeJpeg(image, jpegQuality),
            _ => throw new CaptioningException($"cannot write '{path}': the extension must be .png, .jpg or .jpeg"),
        };
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }

    private static unsafe byte[] Encode(RawImage image, int format, int quality)
    {
        if (image.Pixels.Length != (long)image.Width * image.Height * image.Channels)
            throw new ArgumentException($"pixel buffer holds {image.Pixels.Length} bytes, expected {image.Width}x{image.Height}x{image.Channels}");
        IntPtr buffer;
        long length;
        fixed (byte* p = image.Pixels)
        {
            NativeMethods.Check(NativeMethods.cap_image_encode(p, image.Width, image.Height, image.Channels, format, quality, out buffer, out length));
        }
        try
        {
            var result = new byte[length];
            Marshal.Copy(buffer, result, 0, (int)length);
            return result;
        }
        finally
        {
            NativeMethods.cap_buffer_free(buffer);
        }
    }
}
