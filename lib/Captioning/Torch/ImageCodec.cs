using System.Runtime.InteropServices;

namespace Captioning.Torch;

/// <summary>
/// Encodes and decodes images as packed RGB bytes (row-major, 3 bytes per pixel) through the
/// native stb_image shim. No tensors are involved for the caller.
/// </summary>
public static class ImageCodec
{
    private const int Png = 0;
    private const int Jpeg = 1;

    /// <summary>Encodes packed RGB pixels (width * height * 3 bytes) as a PNG file's bytes.</summary>
    public static byte[] EncodePng(byte[] rgb, int width, int height) => Encode(rgb, width, height, Png, 0);

    /// <summary>Encodes packed RGB pixels as JPEG with quality 1..100.</summary>
    public static byte[] EncodeJpeg(byte[] rgb, int width, int height, int quality = 90)
    {
        if (quality is < 1 or > 100) throw new CaptioningException($"JPEG quality {quality} is out of range; expected 1..100");
        return Encode(rgb, width, height, Jpeg, quality);
    }

    /// <summary>Decodes JPEG/PNG/BMP/GIF bytes into packed RGB pixels.</summary>
    public static unsafe (byte[] Rgb, int Width, int Height) Decode(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length == 0) throw new CaptioningException("cannot decode image bytes: the buffer is empty");
        IntPtr pointer;
        fixed (byte* data = bytes) pointer = NativeMethods.cap_image_decode(data, bytes.Length);
        return FromNative(pointer, "image bytes");
    }

    /// <summary>Reads and decodes an image file into packed RGB pixels.</summary>
    public static (byte[] Rgb, int Width, int Height) Load(string path)
    {
        if (!File.Exists(path)) throw new CaptioningException($"image file '{path}' does not exist");
        return FromNative(NativeMethods.cap_image_load(path), $"image '{path}'");
    }

    private static (byte[] Rgb, int Width, int Height) FromNative(IntPtr pointer, string what)
    {
        if (pointer == IntPtr.Zero)
        {
            // The shim's message already says what stb_image disliked; make it a user error.
            var cause = NativeMethods.TakeError();
            throw new CaptioningException($"cannot decode {what}: {cause.Message}", cause);
        }
        using var image = new Tensor(pointer); // (height, width, 3) uint8
        var shape = image.Shape;
        return (image.ToBytes(), (int)shape[1], (int)shape[0]);
    }

    private static unsafe byte[] Encode(byte[] rgb, int width, int height, int format, int quality)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        if (width <= 0 || height <= 0) throw new CaptioningException($"image size {width}x{height} must be positive");
        if (rgb.Length != (long)width * height * 3)
            throw new CaptioningException($"RGB buffer has {rgb.Length} bytes but a {width}x{height} image needs {(long)width * height * 3}");
        IntPtr output;
        long length;
        fixed (byte* pixels = rgb) NativeMethods.Check(NativeMethods.cap_image_encode(pixels, width, height, 3, format, quality, out output, out length));
        try
        {
            var bytes = new byte[length];
            Marshal.Copy(output, bytes, 0, checked((int)length));
            return bytes;
        }
        finally
        {
            NativeMethods.cap_buffer_free(output);
        }
    }
}
