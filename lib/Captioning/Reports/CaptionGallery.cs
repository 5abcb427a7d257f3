using System.Globalization;
using System.Text;
using Captioning.Data;

namespace Captioning.Reports;

/// <summary>One photo in a gallery: its thumbnail (PNG bytes, or null), the generated caption, the references and scores (0-1 scale; shown x100).</summary>
public sealed record GalleryItem(string ImageId, byte[]? Png, string Generated, IReadOnlyList<string> References, double? Bleu4, double? Cider);

/// <summary>
/// A grid of photos with their generated caption, reference captions and per-image BLEU-4 and
/// CIDEr-D, given on the scorer's 0-1 scale and shown x100 like the score tables; buttons sort it best-first or worst-first. Thumbnails are embedded as PNG data URIs
/// so a report is one self-contained file.
/// </summary>
[TypeFormatterSource(typeof(RichFormatterSource))]
public sealed class CaptionGallery : IHtmlRenderable
{
    private static int nextId;
    private readonly List<GalleryItem> items = [];

    /// <summary>Creates an empty gallery with an optional title; thumbnails are scaled to at most <paramref name="thumbnailSize"/> pixels.</summary>
    public CaptionGallery(string? title = null, int thumbnailSize = 224)
    {
        if (thumbnailSize <= 0) throw new CaptioningException($"gallery thumbnail size {thumbnailSize} must be positive");
        Title = title;
        ThumbnailSize = thumbnailSize;
    }

    /// <summary>The heading above the grid, or null.</summary>
    public string? Title { get; }

    /// <summary>Longest thumbnail side in pixels.</summary>
    public int ThumbnailSize { get; }

    /// <summary>The photos in insertion order.</summary>
    public IReadOnlyList<GalleryItem> Items => items;

    /// <summary>Adds a photo given as packed RGB pixels; it is shrunk to a thumbnail and PNG-encoded.</summary>
    public CaptionGallery Add(string imageId, byte[] rgb, int width, int height, string generated, IReadOnlyList<string> references,
        double? bleu4 = null, double? cider = null)
    {
        return AddPng(imageId, Thumbnail.Png(new RawImage(rgb, width, height), ThumbnailSize), generated, references, bleu4, cider);
    }

    /// <summary>Adds a photo read from an image file (JPEG, PNG, ...).</summary>
    public CaptionGallery AddFile(string imageId, string path, string generated, IReadOnlyList<string> references,
        double? bleu4 = null, double? cider = null)
    {
        var image = ImageCodec.Load(path);
        return Add(imageId, image.Pixels, image.Width, image.Height, generated, references, bleu4, cider);
    }

    /// <summary>Adds a photo whose PNG bytes are ready (or null to show a placeholder).</summary>
    public CaptionGallery AddPng(string imageId, byte[]? png, string generated, IReadOnlyList<string> references,
        double? bleu4 = null, double? cider = null)
    {
        items.Add(new GalleryItem(imageId, png, generated, references.ToArray(), bleu4, cider));
        return this;
    }

    /// <summary>The grid as HTML, with sort buttons when any item has scores.</summary>
    public string ToHtml()
    {
        var id = "gallery-" + Interlocked.Increment(ref nextId).ToString(CultureInfo.InvariantCulture);
        var html = new StringBuilder($"<div class=\"caption-gallery\" id=\"{id}\">");
        if (Title is not null) html.Append("<h4>").Append(Html.Escape(Title)).Append("</h4>");
        var hasBleu = items.Any(i => i.Bleu4 is not null);
        var hasCider = items.Any(i => i.Cider is not null);
        if (hasBleu || hasCider)
        {
            html.Append("<div class=\"gallery-note\" style=\"color:#6b7280;font-size:.85em\">Scores of each caption on its photo, x100 as in the tables.</div>");
            html.Append("<div class=\"gallery-sort\">Sort: <button data-key=\"order\" data-dir=\"1\">original</button>");
            if (hasBleu) html.Append("<button data-key=\"bleu\" data-dir=\"-1\">best BLEU-4</button><button data-key=\"bleu\" data-dir=\"1\">worst BLEU-4</button>");
            if (hasCider) html.Append("<button data-key=\"cider\" data-dir=\"-1\">best CIDEr-D</button><button data-key=\"cider\" data-dir=\"1\">worst CIDEr-D</button>");
            html.Append("</div>");
        }
        html.Append("<div class=\"gallery-grid\">");
        for (var i = 0; i < items.Count; i++) AppendItem(html, items[i], i);
        html.Append("</div>");
        if (hasBleu || hasCider) html.Append(SortScript(id));
        return html.Append("</div>").ToString();
    }

    /// <summary>The captions and scores (x100) as plain text, one photo per line.</summary>
    public override string ToString()
    {
        var scored = items.Any(i => i.Bleu4 is not null || i.Cider is not null);
        var text = new StringBuilder(Title is null ? "" : Title + (scored ? " (scores x100)" : "") + "\n");
        foreach (var item in items)
        {
            text.Append(item.ImageId).Append(": ").Append(item.Generated);
            if (item.Bleu4 is not null) text.Append("  BLEU-4 ").Append(Html.Times100(item.Bleu4.Value));
            if (item.Cider is not null) text.Append("  CIDEr-D ").Append(Html.Times100(item.Cider.Value));
            text.Append('\n');
        }
        return text.ToString().TrimEnd('\n');
    }

    private static void AppendItem(StringBuilder html, GalleryItem item, int order)
    {
        html.Append("<figure class=\"gallery-item\" data-order=\"").Append(order.ToString(CultureInfo.InvariantCulture)).Append('"');
        if (item.Bleu4 is not null) html.Append(" data-bleu=\"").Append(item.Bleu4.Value.ToString("R", CultureInfo.InvariantCulture)).Append('"');
        if (item.Cider is not null) html.Append(" data-cider=\"").Append(item.Cider.Value.ToString("R", CultureInfo.InvariantCulture)).Append('"');
        html.Append('>');
        html.Append(Thumbnail.Html(item.ImageId, item.Png));
        html.Append("<figcaption><div class=\"generated\">").Append(Html.Escape(item.Generated)).Append("</div>");
        if (item.Bleu4 is not null || item.Cider is not null)
        {
            html.Append("<div class=\"scores\">");
            if (item.Bleu4 is not null) html.Append("BLEU-4 <b>").Append(Html.Times100(item.Bleu4.Value)).Append("</b> ");
            if (item.Cider is not null) html.Append("CIDEr-D <b>").Append(Html.Times100(item.Cider.Value)).Append("</b>");
            html.Append("</div>");
        }
        if (item.References.Count > 0)
        {
            html.Append("<ul class=\"references\">");
            foreach (var reference in item.References) html.Append("<li>").Append(Html.Escape(reference)).Append("</li>");
            html.Append("</ul>");
        }
        html.Append("<div class=\"image-id\">").Append(Html.Escape(item.ImageId)).Append("</div></figcaption></figure>");
    }

    // Items missing the key sort last in either direction, so "worst" never means "unscored".
    private static string SortScript(string id) =>
        "<script>(function(){var g=document.getElementById('" + id + "');var grid=g.querySelector('.gallery-grid');" +
        "g.querySelectorAll('.gallery-sort button').forEach(function(b){b.addEventListener('click',function(){" +
        "var k=b.dataset.key,d=+b.dataset.dir;var items=Array.prototype.slice.call(grid.children);" +
        "items.sort(function(x,y){var a=x.dataset[k],c=y.dataset[k];if(a===undefined)return c===undefined?0:1;if(c===undefined)return -1;return d*(parseFloat(a)-parseFloat(c));});" +
        "items.forEach(function(e){grid.appendChild(e);});});});})();</script>";
}
