using Captioning.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace Captioning.Tests.Data;

public class ImageCodecTests : NativeLeakGuard
{
    private static readonly RawImage Image = new([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90], 3, 2);

    [Fact]
    public void EncodePng_RoundTripsExactly()
    {
        var png = ImageCodec.EncodePng(Image);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        var decoded = ImageCodec.Decode(png);
        Assert.Equal((3, 2, 3), (decoded.Width, decoded.Height, decoded.Channels));
        Assert.Equal(Image.Pixels, decoded.Pixels);
    }

    [Fact]
    public void EncodeJpeg_WritesJpegThatDecodesToTheSameSize()
    {
        var jpeg = ImageCodec.EncodeJpeg(Image, quality: 95);
        Assert.Equal(new byte[] { 0xFF, 0xD8 }, jpeg[..2]);
        var decoded = ImageCodec.Decode(jpeg);
        Assert.Equal((3, 2), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void Load_ReadsAFileAndThrowsForMissingOne()
    {
        var path = Path.Combine(Path.GetTempPath(), $"caption-codec-{Environment.ProcessId}.png");
        File.WriteAllBytes(path, ImageCodec.EncodePng(Image));
        try
        {
            Assert.Equal(Image.Pixels, ImageCodec.Load(path).Pixels);
        }
        finally
        {
            File.Delete(path);
        }
        var e = Assert.Throws<CaptioningException>(() => ImageCodec.Load("/nonexistent/x.png"));
        Assert.Equal("image '/nonexistent/x.png' does not exist", e.Message);
    }

    [Fact]
    public void Decode_ThrowsForBytesThatAreNoImage()
    {
        var e = Assert.Throws<CaptioningException>(() => ImageCodec.Decode(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }));
        Assert.StartsWith("image bytes: ", e.Message);
    }

    [Fact]
    public void Decode_RefusesImageOverThePixelLimitNamingItsSize()
    {
        var png = ImageCodec.EncodePng(Image); // 3x2 = 6 pixels
        var e = Assert.Throws<CaptioningException>(() => ImageCodec.Decode(png, maxPixels: 5));
        Assert.Equal("image bytes: cannot decode image bytes: 3x2 is 6 pixels, over the limit of 5", e.Message);
        Assert.Equal(Image.Pixels, ImageCodec.Decode(png, maxPixels: 6).Pixels);
    }

    [Fact]
    public void Decode_TakesTheFirstFrameOfAnAnimation()
    {
        using var animation = new Image<Rgb24>(2, 2, new Rgb24(200, 0, 0));
        using (var second = new Image<Rgb24>(2, 2, new Rgb24(0, 0, 200)))
            animation.Frames.AddFrame(second.Frames.RootFrame);
        using var gif = new MemoryStream();
        animation.SaveAsGif(gif);
        var decoded = ImageCodec.Decode(gif.ToArray());
        Assert.Equal((2, 2), (decoded.Width, decoded.Height));
        Assert.Equal(200, decoded.Pixels[0]);
        Assert.Equal(0, decoded.Pixels[2]);
    }

    [Fact]
    public void Decode_RefusesTruncatedPngAndJpeg()
    {
        var png = ImageCodec.EncodePng(Image);
        var jpeg = ImageCodec.EncodeJpeg(Image);
        Assert.Contains("truncated", Assert.Throws<CaptioningException>(() => ImageCodec.Decode(png[..^12])).Message);
        Assert.Contains("truncated", Assert.Throws<CaptioningException>(() => ImageCodec.Decode(jpeg[..^2])).Message);
    }
}
