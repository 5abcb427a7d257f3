using System.Text.RegularExpressions;
using Captioning.Reports;
using Captioning.Data;
using Xunit;

namespace Captioning.Tests.Reports;

public class CaptionGalleryTests : NativeLeakGuard
{
    [Fact]
    public void ToHtml_EscapesTextAndEmbedsThumbnail()
    {
        var rgb = Enumerable.Range(0, 8 * 4 * 3).Select(i => (byte)i).ToArray();
        var gallery = new CaptionGallery("Best & worst", thumbnailSize: 4)
            .Add("img<1>.jpg", rgb, 8, 4, "<script>alert(1)</script> & co", ["a \"dog\"", "it's <b>"], bleu4: 0.25, cider: 1.5);
        var html = gallery.ToHtml();
        Assert.Contains("<h4>Best &amp; worst</h4>", html);
        Assert.Contains("<div class=\"generated\">&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</div>", html);
        Assert.Contains("<li>a &quot;dog&quot;</li><li>it&#39;s &lt;b&gt;</li>", html);
        Assert.Contains("<div class=\"image-id\">img&lt;1&gt;.jpg</div>", html);
        Assert.Contains("data-order=\"0\" data-bleu=\"0.25\" data-cider=\"1.5\"", html);
        // Scores are given on the scorer's 0-1 scale and shown x100, as the tables show them.
        Assert.Contains("BLEU-4 <b>25.0</b> CIDEr-D <b>150.0</b>", html);
        Assert.Contains("x100 as in the tables", html);
        Assert.DoesNotContain("<script>alert", html);

        var base64 = Regex.Match(html, "src=\"data:image/png;base64,([^\"]+)\"").Groups[1].Value;
        var thumbnail = ImageCodec.Decode(Convert.FromBase64String(base64));
        Assert.Equal((4, 2), (thumbnail.Width, thumbnail.Height));
        Assert.Equal(Thumbnail.Downscale(rgb, 8, 4, 4).Rgb, thumbnail.Pixels);
    }

    [Fact]
    public void ToHtml_OmitsSortButtonsWithoutScores()
    {
        var html = new CaptionGallery().AddPng("a", null, "a dog", []).ToHtml();
        Assert.DoesNotContain("gallery-sort", html);
        Assert.Contains("<div class=\"no-image\">no image</div>", html);
    }

    [Fact]
    public void ToString_ListsCaptionsAndScores()
    {
        var gallery = new CaptionGallery("G").AddPng("a.jpg", null, "a dog", [], 0.5).AddPng("b.jpg", null, "a cat", []);
        Assert.Equal("G (scores x100)\na.jpg: a dog  BLEU-4 50.0\nb.jpg: a cat", gallery.ToString());
        Assert.Equal("H\nc.jpg: a bird", new CaptionGallery("H").AddPng("c.jpg", null, "a bird", []).ToString());
    }
}
