using Captioning.Data;

namespace Captioning.Reports;

/// <summary>Shrinks packed RGB images for galleries, so a report embeds kilobytes per photo rather than megabytes.</summary>
public static class Thumbnail
{
    /// <summary>
    /// Scales the image so its longer side is at most <paramref name="maxSide"/> pixels, averaging
    /// every source pixel a target pixel covers (a box filter: no aliasing, no dependencies).
    /// Images already small enough are returned unchanged.
    /// </summary>
    public static (byte[] Rgb, int Width, int Height) Downscale(byte[] rgb, int width, int height, int maxSide)
    {
        if (maxSide <= 0) throw new CaptioningException($"thumbnail size {maxSide} must be positive");
        if (rgb.Length != (long)width * height * 3)
            throw new CaptioningException($"RGB buffer has {rgb.Length} bytes but a {width}x{height} image needs {(long)width * height * 3}");
        if (width <= maxSide && height <= maxSide) return (rgb, width, height);
        var scale = (double)maxSide / Math.Max(width, height);
        var outWidth = Math.Max(1, (int)Math.Round(width * scale));
        var outHeight = Math.Max(1, (int)Math.Round(height * scale));
        var output = new byte[outWidth * outHeight * 3];
        for (var y = 0; y < outHeight; y++)
        {
            var y0 = y * height / outHeight;
            var y1 = Math.Max(y0 + 1, (y + 1) * height / outHeight);
            for (var x = 0; x < outWidth; x++)
            {
                var x0 = x * width / outWidth;
                var x1 = Math.Max(x0 + 1, (x + 1) * width / outWidth);
                long r = 0, g = 0, b = 0;
                for (var sy = y0; sy < y1; sy++)
                for (var sx = x0; sx < x1; sx++)
                {
                    var i = (sy * width + sx) * 3;
                    r += rgb[i];
                    g += rgb[i + 1];
                    b += rgb[i + 2];
                }
                var count = (y1 - y0) * (x1 - x0);
                var o = (y * outWidth + x) * 3;
                output[o] = (byte)((r + count / 2) / count);
                output[o + 1] = (byte)((g + count / 2) / count);
                output[o + 2] = (byte)((b + count / 2) / count);
            }
        }
        return (output, outWidth, outHeight);
    }

    /// <summary>The image file at <paramref name="path"/> (JPEG, PNG, ...) shrunk by <see cref="Downscale"/> and encoded as PNG, for a gallery.</summary>
    public static byte[] Png(string path, int maxSide) => Png(ImageCodec.Load(path), maxSide);

    /// <summary>Packed RGB pixels shrunk by <see cref="Downscale"/> and encoded as PNG, for a gallery.</summary>
    public static byte[] Png(RawImage image, int maxSide)
    {
        var (small, width, height) = Downscale(image.Pixels, image.Width, image.Height, maxSide);
        return ImageCodec.EncodePng(new RawImage(small, width, height));
    }

    /// <summary>An img element showing <paramref name="png"/> as a data URI, or a "no image" placeholder when it is null.</summary>
    public static string Html(string imageId, byte[]? png) => png is null
        ? "<div class=\"no-image\">no image</div>"
        : $"<img alt=\"{Reports.Html.Escape(imageId)}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\">";
}
