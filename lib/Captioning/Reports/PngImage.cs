using Captioning.Data;

namespace Captioning.Reports;

/// <summary>An image to show in a notebook or report, held as PNG bytes; displays as image/png and as an img element.</summary>
[TypeFormatterSource(typeof(RichFormatterSource))]
public sealed class PngImage(byte[] png, string? alt = null) : IHtmlRenderable, IPngRenderable
{
    /// <summary>The PNG file bytes.</summary>
    public byte[] Png { get; } = png;

    /// <summary>Alternative text for the img element, or null.</summary>
    public string? Alt { get; } = alt;

    /// <summary>Encodes packed RGB pixels (width * height * 3 bytes) as a PNG image.</summary>
    public static PngImage FromRgb(byte[] rgb, int width, int height, string? alt = null) => new(ImageCodec.EncodePng(new RawImage(rgb, width, height)), alt);

    /// <summary>Reads an image file (JPEG, PNG, BMP, GIF) and re-encodes it as PNG.</summary>
    public static PngImage FromFile(string path)
    {
        var image = ImageCodec.Load(path);
        return FromRgb(image.Pixels, image.Width, image.Height, Path.GetFileName(path));
    }

    /// <summary>The PNG bytes.</summary>
    public byte[] ToPng() => Png;

    /// <summary>An img element with the PNG embedded as a data URI.</summary>
    public string ToHtml() => $"<img alt=\"{Html.Escape(Alt ?? "image")}\" src=\"data:image/png;base64,{Convert.ToBase64String(Png)}\">";

    /// <summary>The alt text and size in bytes.</summary>
    public override string ToString() => $"PNG image '{Alt ?? "image"}' ({Png.Length} bytes)";
}
