using System.Text;

namespace Captioning.Reports;

/// <summary>One captioner's caption of an image with its scores on that image, on the 0-1 scale the scorer gives (shown x100).</summary>
/// <param name="Captioner">A model's or a baseline's name.</param>
/// <param name="Caption">The caption it wrote.</param>
/// <param name="Bleu4">Sentence-level BLEU-4 of the caption, or null.</param>
/// <param name="Cider">The image's CIDEr-D term, or null.</param>
/// <param name="IsBaseline">Whether the captioner is a baseline, drawn apart from the models.</param>
public sealed record CaptionerLine(string Captioner, string Caption, double? Bleu4, double? Cider, bool IsBaseline = false);

/// <summary>One photo of a <see cref="CaptionComparison"/>: its thumbnail (PNG bytes, or null), references and every captioner's line.</summary>
public sealed record ComparedImage(string ImageId, byte[]? Png, IReadOnlyList<string> References, IReadOnlyList<CaptionerLine> Lines);

/// <summary>
/// The same photos captioned by several captioners: each photo once, its references, and one row per captioner
/// with its caption, BLEU-4 and CIDEr-D on that photo, x100 like the score tables. Baseline rows are italic and
/// grey. Thumbnails are embedded as PNG data URIs, so a report stays one file.
/// </summary>
[TypeFormatterSource(typeof(RichFormatterSource))]
public sealed class CaptionComparison : IHtmlRenderable
{
    private readonly List<ComparedImage> images = [];

    /// <summary>Creates an empty comparison with an optional title; thumbnails are scaled to at most <paramref name="thumbnailSize"/> pixels.</summary>
    public CaptionComparison(string? title = null, int thumbnailSize = 200)
    {
        if (thumbnailSize <= 0) throw new CaptioningException($"comparison thumbnail size {thumbnailSize} must be positive");
        Title = title;
        ThumbnailSize = thumbnailSize;
    }

    /// <summary>The heading, or null; the HTML adds that scores are x100.</summary>
    public string? Title { get; }

    /// <summary>Longest thumbnail side in pixels.</summary>
    public int ThumbnailSize { get; }

    /// <summary>The photos in insertion order.</summary>
    public IReadOnlyList<ComparedImage> Images => images;

    /// <summary>Adds a photo read from an image file (JPEG, PNG, ...), shrunk to a thumbnail.</summary>
    public CaptionComparison AddFile(string imageId, string path, IReadOnlyList<string> references, IReadOnlyList<CaptionerLine> lines) =>
        AddPng(imageId, Thumbnail.Png(path, ThumbnailSize), references, lines);

    /// <summary>Adds a photo whose PNG bytes are ready (or null for a placeholder).</summary>
    public CaptionComparison AddPng(string imageId, byte[]? png, IReadOnlyList<string> references, IReadOnlyList<CaptionerLine> lines)
    {
        if (lines.Count == 0) throw new CaptioningException($"comparison image '{imageId}' has no captions; give at least one captioner's line");
        images.Add(new ComparedImage(imageId, png, references.ToArray(), lines.ToArray()));
        return this;
    }

    /// <summary>The photos as HTML: per photo a thumbnail beside a table of captioners, then the references.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder("<div class=\"caption-comparison\">");
        if (Title is not null) html.Append("<h4>").Append(Html.Escape(Title)).Append("</h4>");
        html.Append("<p style=\"color:#6b7280;font-size:.85em;margin:2px 0 8px\">BLEU-4 and CIDEr-D of each caption on its photo, x100 as in the tables; ")
            .Append("baselines in <i>grey italics</i>.</p>");
        foreach (var image in images) AppendImage(html, image);
        return html.Append("</div>").ToString();
    }

    /// <summary>The captions and scores (x100) as plain text, a block per photo.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Title is null ? "" : Title + " (scores x100)\n");
        var width = images.SelectMany(i => i.Lines).Select(Label).DefaultIfEmpty("").Max(l => l.Length);
        foreach (var image in images)
        {
            text.Append(image.ImageId).Append('\n');
            foreach (var line in image.Lines)
                text.Append("  ").Append(Label(line).PadRight(width)).Append("  BLEU-4 ").Append(Score(line.Bleu4).PadLeft(5))
                    .Append("  CIDEr-D ").Append(Score(line.Cider).PadLeft(5)).Append("  ").Append(line.Caption).Append('\n');
        }
        return text.ToString().TrimEnd('\n');
    }

    private static void AppendImage(StringBuilder html, ComparedImage image)
    {
        html.Append("<figure class=\"comparison-item\" style=\"display:flex;gap:14px;align-items:flex-start;margin:0 0 16px\">");
        html.Append(Thumbnail.Html(image.ImageId, image.Png));
        html.Append("<figcaption><table class=\"comparison-captions\"><thead><tr><th>captioner</th><th>caption</th><th style=\"white-space:nowrap\">BLEU-4</th><th style=\"white-space:nowrap\">CIDEr-D</th></tr></thead><tbody>");
        foreach (var line in image.Lines)
        {
            html.Append(line.IsBaseline ? "<tr class=\"baseline\" style=\"font-style:italic;color:#6b7280\">" : "<tr>")
                .Append("<th style=\"text-align:left;white-space:nowrap\">").Append(Html.Escape(Label(line))).Append("</th><td>").Append(Html.Escape(line.Caption))
                .Append("</td><td style=\"text-align:right\">").Append(Score(line.Bleu4))
                .Append("</td><td style=\"text-align:right\">").Append(Score(line.Cider)).Append("</td></tr>");
        }
        html.Append("</tbody></table>");
        if (image.References.Count > 0)
        {
            html.Append("<div style=\"font-size:.85em;margin-top:4px\">references:</div><ul class=\"references\" style=\"margin:0;font-size:.85em;color:#6b7280\">");
            foreach (var reference in image.References) html.Append("<li>").Append(Html.Escape(reference)).Append("</li>");
            html.Append("</ul>");
        }
        html.Append("<div class=\"image-id\" style=\"font-size:.75em;color:#6b7280\">").Append(Html.Escape(image.ImageId)).Append("</div></figcaption></figure>");
    }

    private static string Label(CaptionerLine line) => line.IsBaseline ? "baseline: " + line.Captioner : line.Captioner;

    // x100 with one decimal, like the tables; a missing score is an en dash.
    private static string Score(double? value) => value is null ? "–" : Html.Times100(value.Value);
}
