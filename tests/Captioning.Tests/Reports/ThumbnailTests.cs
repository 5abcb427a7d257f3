using Captioning.Reports;
using Xunit;

namespace Captioning.Tests.Reports;

public class ThumbnailTests
{
    [Fact]
    public void Downscale_AveragesEachCoveredBlock()
    {
        // 4x2 image; each 2x2 block of the output averages four pixels (rounded half up).
        byte[] rgb =
        [
            0, 10, 20,   2, 10, 20,   100, 0, 0,   200, 0, 0,
            4, 10, 20,   6, 11, 20,   100, 0, 255, 201, 0, 0,
        ];
        var (pixels, width, height) = Thumbnail.Downscale(rgb, 4, 2, 2);
        Assert.Equal((2, 1), (width, height));
        Assert.Equal(new byte[] { 3, 10, 20, 150, 0, 64 }, pixels);
    }

    [Fact]
    public void Downscale_ReturnsSmallImagesUnchanged()
    {
        var rgb = new byte[] { 1, 2, 3 };
        Assert.Same(rgb, Thumbnail.Downscale(rgb, 1, 1, 10).Rgb);
    }
}
