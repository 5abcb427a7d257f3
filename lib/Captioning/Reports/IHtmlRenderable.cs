namespace Captioning.Reports;

/// <summary>
/// A value that renders itself as an HTML fragment in notebooks and reports; its ToString is the
/// plain-text fallback. The notebook runner matches this interface by its full name.
/// </summary>
public interface IHtmlRenderable
{
    /// <summary>A self-contained HTML fragment (no html/body tags) showing this value.</summary>
    string ToHtml();
}

/// <summary>A value that renders itself as a PNG image (a plot, a thumbnail) in notebooks and reports.</summary>
public interface IPngRenderable
{
    /// <summary>The PNG file bytes of the image.</summary>
    byte[] ToPng();
}
