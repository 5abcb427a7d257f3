using Captioning.Notebooks;
using Captioning.Data;
using Xunit;

namespace Captioning.Tests.Notebooks;

public class ReportScreenshotTests : NativeLeakGuard
{
    [Fact]
    [Trait("Category", "Slow")]
    public void Render_WritesAPngOfTheRequestedSize()
    {
        var dir = Directory.CreateTempSubdirectory("caption-screenshot-").FullName;
        try
        {
            var html = Path.Combine(dir, "page.html");
            File.WriteAllText(html, "<!DOCTYPE html><html><body style=\"margin:0;background:#ff0000\"></body></html>");
            var png = Path.Combine(dir, "out", "page.png");
            ReportScreenshot.Render(html, png, width: 400, height: 300);
            var image = ImageCodec.Load(png);
            Assert.Equal((400, 300), (image.Width, image.Height));
            Assert.Equal(new byte[] { 255, 0, 0 }, image.Pixels[..3]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Render_ThrowsForMissingReport()
    {
        var e = Assert.Throws<CaptioningException>(() => ReportScreenshot.Render("/nonexistent/r.html", "/tmp/x.png"));
        Assert.Equal("report '/nonexistent/r.html' does not exist", e.Message);
    }
}
