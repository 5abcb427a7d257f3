using Captioning.Torch;
using Xunit;

namespace Captioning.Tests.Torch;

public class ImageCodecTests : NativeLeakGuard
{
    private static readonly byte[] Pixels = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90]; // 3x2 RGB

    [Fact]
    public void EncodePng_RoundTripsExactly()
    {
        var png = ImageCodec.EncodePng(Pixels, 3, 2);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        var (rgb, width, height) = ImageCodec.Decode(png);
        Assert.Equal((3, 2), (width, height));
        Assert.Equal(Pixels, rgb);
    }

    [Fact]
    public void EncodeJpeg_WritesJpegThatDecodesToTheSameSize()
    {
        var jpeg = ImageCodec.EncodeJpeg(Pixels, 3, 2, quality: 95);
        Assert.Equal(new byte[] { 0xFF, 0xD8 }, jpeg[..2]);
        var (_, width, height) = ImageCodec.Decode(jpeg);
        Assert.Equal((3, 2), (width, height));
    }

    [Fact]
    public void Load_ReadsAFileAndThrowsForMissingOne()
    {
        var path = Path.Combine(Path.GetTempPath(), $"caption-codec-{Environment.ProcessId}.png");
        File.WriteAllBytes(path, ImageCodec.EncodePng(Pixels, 3, 2));
        try
        {
            Assert.Equal(Pixels, ImageCodec.Load(path).Rgb);
        }
        finally
        {
            File.Delete(path);
        }
        var e = Assert.Throws<CaptioningException>(() => ImageCodec.Load("/nonexistent/x.png"));
        Assert.Equal("image file '/nonexistent/x.png' does not exist", e.Message);
    }

    [Fact]
    public void Decode_ThrowsForBytesThatAreNoImage()
    {
        var e = Assert.Throws<CaptioningException>(() => ImageCodec.Decode([1, 2, 3, 4, 5, 6, 7, 8]));
        Assert.StartsWith("cannot decode image bytes: ", e.Message);
    }

    [Fact]
    public void EncodePng_ThrowsForWrongBufferSize()
    {
        var e = Assert.Throws<CaptioningException>(() => ImageCodec.EncodePng(new byte[5], 3, 2));
        Assert.Equal("RGB buffer has 5 bytes but a 3x2 image needs 18", e.Message);
    }
}
