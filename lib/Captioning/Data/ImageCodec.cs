using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace Captioning.Data;

/// <summary>Decoded 8-bit pixels, row-major (height, width, channels).</summary>
/// <param name="Pixels">The interleaved channel bytes.</param>
/// <param name="Width">Columns.</param>
/// <param name="Height">Rows.</param>
/// <param name="Channels">Channels per pixel (3 for RGB).</param>
public sealed record RawImage(byte[] Pixels, int Width, int Height, int Channels = 3);

/// <summary>
/// Image decoding and encoding through SixLabors.ImageSharp 2.1 (JPEG, PNG, BMP, GIF, TGA, TIFF, WebP, PBM in;
/// PNG and JPEG out). Every decode reads the size first and refuses an image over <see cref="MaxPixels"/>
/// before allocating its pixels, and decodes only the first frame of an animation.
/// </summary>
public static class ImageCodec
{
    /// <summary>
    /// The largest image decoded, in pixels: PIL's own decompression-bomb bound (2 x Image.MAX_IMAGE_PIXELS),
    /// so what torchvision would refuse is refused here too, before 0.5 GB of RGB is allocated.
    /// </summary>
    public const long MaxPixels = 2L * 89_478_485;

    // GIF and TIFF decode every frame by default; a caption needs only the first. ImageSharp 2.1 has no
    // DecoderOptions.MaxFrames (that is 3.x), so the decoders are configured here instead.
    private static readonly Configuration Decoding = CreateDecodingConfiguration();

    /// <summary>Decodes an image file to RGB; a file that does not decode throws a <see cref="CaptioningException"/> naming it.</summary>
    public static RawImage Load(string path, long maxPixels = MaxPixels)
    {
        using var image = DecodeFile(path, maxPixels);
        return ToRaw(image);
    }

    /// <summary>Decodes an image file to an RGB (height, width, 3) uint8 tensor on the CPU.</summary>
    public static torch.Tensor LoadTensor(string path, long maxPixels = MaxPixels)
    {
        var raw = Load(path, maxPixels);
        return torch.tensor(raw.Pixels, [raw.Height, raw.Width, 3], torch.uint8); // (H, W, 3)
    }

    /// <summary>Decodes encoded image bytes to RGB; errors start with <paramref name="what"/>.</summary>
    public static RawImage Decode(ReadOnlySpan<byte> encoded, string what = "image bytes", long maxPixels = MaxPixels)
    {
        if (encoded.IsEmpty) throw new CaptioningException($"{what}: cannot decode image bytes: the buffer is empty");
        using var image = DecodeBytes(encoded.ToArray(), "image bytes", maxPixels, what + ": ");
        return ToRaw(image);
    }

    /// <summary>Width and height read from the file's header without decoding its pixels.</summary>
    public static (int Width, int Height) Identify(string path)
    {
        using var stream = OpenExisting(path);
        var (info, _) = IdentifyStream(stream, $"image '{path}'", "");
        return (info.Width, info.Height);
    }

    /// <summary>PNG bytes of the image.</summary>
    public static byte[] EncodePng(RawImage image) => Encode(image, new PngEncoder());

    /// <summary>JPEG bytes of the image at <paramref name="quality"/> (1-100).</summary>
    public static byte[] EncodeJpeg(RawImage image, int quality = 90) =>
        quality is < 1 or > 100
            ? throw new ArgumentOutOfRangeException(nameof(quality), "JPEG quality must be 1-100")
            : Encode(image, new JpegEncoder { Quality = quality });

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
        AtomicFile.WriteAllBytes(path, bytes);
    }

    private static Image<Rgb24> DecodeFile(string path, long maxPixels)
    {
        if (!File.Exists(path)) throw new CaptioningException($"image '{path}' does not exist");
        return DecodeBytes(File.ReadAllBytes(path), $"image '{path}'", maxPixels, "");
    }

    private static FileStream OpenExisting(string path)
    {
        if (!File.Exists(path)) throw new CaptioningException($"image '{path}' does not exist");
        return File.OpenRead(path);
    }

    // The encoded bytes are read whole (the truncation check needs their end); Identify reads only the header
    // from them, so an oversized image is refused before its pixels are allocated.
    private static Image<Rgb24> DecodeBytes(byte[] bytes, string what, long maxPixels, string prefix)
    {
        using (var stream = new MemoryStream(bytes, writable: false))
        {
            var (info, format) = IdentifyStream(stream, what, prefix);
            if ((long)info.Width * info.Height > maxPixels)
                throw new CaptioningException($"{prefix}cannot decode {what}: {info.Width}x{info.Height} is {(long)info.Width * info.Height:N0} pixels, over the limit of {maxPixels:N0}");
            // ImageSharp fills the missing part of a cut-off JPEG or PNG with grey instead of failing
            // (as stb_image and PIL do); a truncated file must be an error, never a half-grey photo.
            if (MissingEnd(bytes, format) is { } missing)
                throw new CaptioningException($"{prefix}cannot decode {what}: the file is truncated ({missing})");
        }
        try
        {
            return Image.Load<Rgb24>(Decoding, bytes);
        }
        catch (Exception e) when (e is ImageFormatException or NotSupportedException or InvalidDataException)
        {
            throw new CaptioningException($"{prefix}cannot decode {what}: {e.Message}", e);
        }
    }

    private static (IImageInfo Info, IImageFormat Format) IdentifyStream(Stream stream, string what, string prefix)
    {
        IImageInfo? info;
        IImageFormat? format;
        try
        {
            info = Image.Identify(Decoding, stream, out format);
        }
        catch (Exception e) when (e is ImageFormatException or NotSupportedException or InvalidDataException)
        {
            throw new CaptioningException($"{prefix}cannot decode {what}: {e.Message}", e);
        }
        if (info == null || format == null)
            throw new CaptioningException($"{prefix}cannot decode {what}: unknown image format (expected JPEG, PNG, BMP, GIF, TGA, TIFF, WebP or PBM)");
        return (info, format);
    }

    // JPEG: an end-of-image marker must follow the last start-of-scan (entropy-coded data never holds
    // FF D9 or FF DA, byte stuffing prevents it). PNG: an IEND chunk must follow the last IDAT.
    private static string? MissingEnd(ReadOnlySpan<byte> data, IImageFormat format) => format switch
    {
        JpegFormat => data.LastIndexOf([(byte)0xFF, (byte)0xD9]) > data.LastIndexOf([(byte)0xFF, (byte)0xDA]) ? null : "no end-of-image marker after the last scan",
        PngFormat => data.LastIndexOf("IEND"u8) > data.LastIndexOf("IDAT"u8) ? null : "no IEND chunk after the image data",
        _ => null,
    };

    private static RawImage ToRaw(Image<Rgb24> image)
    {
        var pixels = new byte[(long)image.Width * image.Height * 3];
        image.CopyPixelDataTo(pixels);
        return new RawImage(pixels, image.Width, image.Height);
    }

    private static byte[] Encode(RawImage image, IImageEncoder encoder)
    {
        if (image.Channels != 3) throw new ArgumentException($"only RGB images (3 channels) are encoded, got {image.Channels}");
        if (image.Width <= 0 || image.Height <= 0) throw new ArgumentException($"image size must be positive, got {image.Width}x{image.Height}");
        if (image.Pixels.Length != (long)image.Width * image.Height * image.Channels)
            throw new ArgumentException($"pixel buffer holds {image.Pixels.Length} bytes, expected {image.Width}x{image.Height}x{image.Channels}");
        using var decoded = Image.LoadPixelData<Rgb24>(image.Pixels, image.Width, image.Height);
        using var output = new MemoryStream();
        decoded.Save(output, encoder);
        return output.ToArray();
    }

    private static Configuration CreateDecodingConfiguration()
    {
        var configuration = Configuration.Default.Clone();
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First });
        return configuration;
    }
}
