using Captioning.Tests.Cli;
using Captioning.Tests.Data;
using Captioning.Data;
using Xunit;

namespace Captioning.Tests.Notebooks;

public class ReportPngTopTests : NativeLeakGuard
{
    [Fact]
    [Trait("Category", "Slow")]
    public void ReportPng_TopSkipsThatManyPixelsOfThePage()
    {
        using var temp = new TempFolder();
        // 100 px of red, then blue: skipping 100 px must start the picture with blue.
        var html = temp.File("page.html", "<!DOCTYPE html><html><body style=\"margin:0;background:#0000ff\"><div style=\"height:100px;background:#ff0000\"></div></body></html>");
        var png = Path.Combine(temp.Path, "part.png");
        var (code, _, stderr) = CliRunner.Run("report", "png", html, png, "--width", "300", "--height", "200", "--top", "100");
        Assert.True(code == 0, stderr);
        var image = ImageCodec.Load(png);
        Assert.Equal((300, 200), (image.Width, image.Height));
        Assert.Equal(new byte[] { 0, 0, 255 }, image.Pixels[..3]);
        Assert.False(File.Exists(png + ".full.png"));
    }

    [Fact]
    public void ReportPng_ThrowsForNegativeTop()
    {
        var (code, _, stderr) = CliRunner.Run("report", "png", "a.html", "b.png", "--top", "-5");
        Assert.Equal(1, code);
        Assert.Contains("--top must be 0 or more pixels, got -5", stderr);
    }
}
