using Captioning;
using Captioning.Data;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace Captioning.Tests.Data;

public sealed class ImagePreprocessorTests : NativeLeakGuard
{
    [Fact]
    public void Normalize_ImageNetArithmetic()
    {
        using var scope = torch.NewDisposeScope();
        var rgb = torch.tensor(new float[] { 255, 0, 51 }, [1, 3, 1, 1]);
        var result = ImagePreprocessor.Normalize(rgb, PixelNormalization.ImageNet).data<float>().ToArray();
        float[] expected = [(1f - 0.485f) / 0.229f, (0f - 0.456f) / 0.224f, (0.2f - 0.406f) / 0.225f];
        Assert.Equal(expected, result, (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public void Normalize_CaffeSwapsToBgrAndSubtractsMeansWithoutScaling()
    {
        using var scope = torch.NewDisposeScope();
        var rgb = torch.tensor(new float[] { 200, 100, 50 }, [1, 3, 1, 1]);
        var result = ImagePreprocessor.Normalize(rgb, PixelNormalization.Caffe).data<float>().ToArray();
        // BGR = (50, 100, 200) minus (103.939, 116.779, 123.68).
        Assert.Equal([50f - 103.939f, 100f - 116.779f, 200f - 123.68f], result, (a, b) => Math.Abs(a - b) < 1e-4f);
        Assert.Equal([-1f, 1f, 0f], ImagePreprocessor.Normalize(torch.tensor(new float[] { 0, 255, 127.5f }, [1, 3, 1, 1]), PixelNormalization.MinusOneToOne).data<float>().ToArray());
    }

    [Theory]
    [InlineData(500, 375, 256, 256, 341)]  // landscape: int(256 * 500 / 375) = 341
    [InlineData(333, 500, 256, 384, 256)]  // portrait:  int(256 * 500 / 333) = 384
    public void ShorterSideSize_TruncatesLikeTorchvision(int width, int height, int size, int expectedHeight, int expectedWidth) =>
        Assert.Equal((expectedHeight, expectedWidth), ImagePreprocessor.ShorterSideSize(height, width, size));

    [Fact]
    public void CenterCropOrigin_RoundsHalfToEvenLikePython() =>
        // (341 - 224) / 2 = 58.5 rounds to 58; (259 - 224) / 2 = 17.5 rounds to 18.
        Assert.Equal((18, 58), ImagePreprocessor.CenterCropOrigin(259, 341, 224));

    [Fact]
    [Trait("Category", "Oracle")]
    public void Load_BatchesFilesToNchw_WithTorchvisionsValues()
    {
        using var temp = new TempFolder();
        var a = temp.Bytes("a.png", ImageCodec.EncodePng(Pattern(40, 30)));
        var b = temp.Bytes("b.png", ImageCodec.EncodePng(Pattern(30, 50)));
        var preprocessor = new ImagePreprocessor(new ImagePreprocessOptions(16, 20, ResizeMode.ShorterSideThenCenterCrop, ResizeFilter.Bilinear, PixelNormalization.ImageNet));
        using var batch = preprocessor.Load([a, b]);
        Assert.Equal(new long[] { 2, 3, 16, 16 }, batch.shape);
        Assert.Equal(ScalarType.Float32, batch.dtype);
        var values = batch.data<float>().ToArray();
        const int plane = 16 * 16;
        for (var image = 0; image < 2; image++)
        {
            var expected = Oracle(temp, image == 0 ? a : b, "transforms.CenterCrop(16)(transforms.Resize(20)(img))");
            // Undoes torchvision's ImageNet mean/std by hand, so the comparison is on ToTensor's [0, 1] scale.
            var unit = values.Skip(image * 3 * plane).Take(3 * plane).Select((v, i) => v * ImageNetStd[i / plane] + ImageNetMean[i / plane]).ToArray();
            AssertWithinOneLevel(expected, unit);
        }
    }

    [Fact]
    [Trait("Category", "Oracle")]
    public void Process_BilinearStretchOfNonSquareImageMatchesPilWithinTolerance()
    {
        var (expected, actual) = OracleAndOurs(131, 77, new ImagePreprocessOptions(48, 48, ResizeMode.Stretch, ResizeFilter.Bilinear, PixelNormalization.Caffe),
            "img.resize((48, 48), Image.BILINEAR)"); // actual: (1, 3, 48, 48) BGR minus the caffe means
        const int plane = 48 * 48;
        // Undoes caffe's BGR order and mean subtraction by hand: channel c of the result is RGB channel 2 - c.
        float[] bgrMean = [103.939f, 116.779f, 123.68f];
        var unit = new float[actual.Length];
        for (var i = 0; i < actual.Length; i++)
            unit[(2 - i / plane) * plane + i % plane] = (actual[i] + bgrMean[i / plane]) / 255f;
        AssertWithinOneLevel(expected, unit);
    }

    [Theory]
    [InlineData(ResizeMode.Stretch, ResizeFilter.Nearest, PixelNormalization.Caffe)]
    [InlineData(ResizeMode.Stretch, ResizeFilter.Bilinear, PixelNormalization.MinusOneToOne)]
    [InlineData(ResizeMode.ShorterSideThenCenterCrop, ResizeFilter.Bilinear, PixelNormalization.ImageNet)]
    public void Load_BatchRowsEqualEachImageLoadedAlone(ResizeMode mode, ResizeFilter filter, PixelNormalization normalization)
    {
        using var temp = new TempFolder();
        string[] files = [temp.Bytes("a.png", ImageCodec.EncodePng(Pattern(40, 30))), temp.Bytes("b.png", ImageCodec.EncodePng(Pattern(23, 51))),
            temp.Bytes("c.png", ImageCodec.EncodePng(Pattern(64, 64)))];
        var preprocessor = new ImagePreprocessor(new ImagePreprocessOptions(16, 20, mode, filter, normalization));
        using var scope = torch.NewDisposeScope();
        var batch = preprocessor.Load(files).data<float>().ToArray(); // (3, 3, 16, 16)
        var alone = files.SelectMany(f => preprocessor.Load([f]).data<float>().ToArray()).ToArray(); // 3 x (1, 3, 16, 16)
        Assert.Equal(alone, batch);
    }

    [Theory]
    [InlineData(PixelNormalization.ImageNet)]
    [InlineData(PixelNormalization.Caffe)]
    [InlineData(PixelNormalization.MinusOneToOne)]
    [InlineData(PixelNormalization.UnitRange)]
    public void Normalize_BatchRowsEqualEachRowAlone(PixelNormalization normalization)
    {
        using var scope = torch.NewDisposeScope();
        var values = Enumerable.Range(0, 3 * 3 * 2 * 2).Select(i => (float)(i * 37 % 256)).ToArray();
        var batch = ImagePreprocessor.Normalize(torch.tensor(values, [3, 3, 2, 2]), normalization).data<float>().ToArray(); // (3, 3, 2, 2)
        var alone = Enumerable.Range(0, 3)
            .SelectMany(n => ImagePreprocessor.Normalize(torch.tensor(values[(n * 12)..((n + 1) * 12)], [1, 3, 2, 2]), normalization).data<float>().ToArray())
            .ToArray(); // 3 x (1, 3, 2, 2)
        Assert.Equal(alone, batch);
    }

    [Fact]
    public void Options_RejectCropLargerThanResize()
    {
        var e = Assert.Throws<CaptioningException>(() => new ImagePreprocessor(ImagePreprocessOptions.TorchvisionImageNet with { ResizeSize = 200 }));
        Assert.Contains("resize size 200 is smaller than the crop size 224", e.Message);
    }

    [Theory]
    [InlineData("zero.jpg", "is empty (0 bytes)")]
    [InlineData("text.jpg", "cannot decode image")]
    [InlineData("truncated.jpg", "cannot decode image")]
    [InlineData("corrupt.jpg", "cannot decode image")]
    [InlineData("absent.jpg", "does not exist")]
    public void Decode_ThrowsNamingUndecodableImage(string name, string expected)
    {
        using var temp = new TempFolder();
        var jpeg = ImageCodec.EncodeJpeg(Pattern(64, 48));
        temp.Bytes("zero.jpg", []);
        temp.File("text.jpg", "this is not an image\n");
        temp.Bytes("truncated.jpg", jpeg[..(jpeg.Length / 3)]);
        var corrupt = (byte[])jpeg.Clone();
        for (var i = 2; i < 40; i++) corrupt[i] = 0x00;  // wipes the JFIF/quantisation headers after SOI
        temp.Bytes("corrupt.jpg", corrupt);
        var path = Path.Combine(temp.Path, name);
        var e = Assert.Throws<CaptioningException>(() => ImagePreprocessor.Decode(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    [Trait("Category", "Oracle")]
    public void Process_NearestStretchMatchesPilExactly()
    {
        var (expected, actual) = OracleAndOurs(97, 61, new ImagePreprocessOptions(40, 40, ResizeMode.Stretch, ResizeFilter.Nearest, PixelNormalization.UnitRange),
            "img.resize((40, 40), Image.NEAREST)");
        Assert.Equal(expected, actual);
    }

    [Fact]
    [Trait("Category", "Oracle")]
    public void Process_BilinearResizeAndCropMatchesTorchvisionWithinTolerance()
    {
        var (expected, actual) = OracleAndOurs(203, 151, new ImagePreprocessOptions(64, 72, ResizeMode.ShorterSideThenCenterCrop, ResizeFilter.Bilinear, PixelNormalization.UnitRange),
            "transforms.CenterCrop(64)(transforms.Resize(72)(img))");
        AssertWithinOneLevel(expected, actual);
    }

    // torchvision's ImageNet normalisation constants, written out here rather than read from the code under test.
    private static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];

    // Compares bilinear resampling on ToTensor's [0, 1] scale.
    private static void AssertWithinOneLevel(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var diffs = expected.Zip(actual, (e, a) => Math.Abs(e - a) * 255).ToArray();
        // PIL resamples in 8-bit fixed point, one axis at a time with a rounding in between; libtorch's
        // antialiased bilinear uses the same triangle filter in float and rounds once. So a pixel may
        // differ by one byte (measured: max 1/255, mean 0.09/255 on a test image), never by more.
        Assert.True(diffs.Max() <= 1.01, $"max difference {diffs.Max():F2}/255");
        Assert.True(diffs.Average() <= 0.2, $"mean difference {diffs.Average():F3}/255");
    }

    // A colourful image with sharp edges and smooth ramps, so that resampling errors show.
    private static RawImage Pattern(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var p = (y * width + x) * 3;
                pixels[p] = (byte)(x * 255 / (width - 1));
                pixels[p + 1] = (byte)((x / 7 + y / 5) % 2 == 0 ? 230 : 20);
                pixels[p + 2] = (byte)((x * x + 3 * y) % 256);
            }
        }
        return new RawImage(pixels, width, height);
    }

    // The oracle's ToTensor() floats and our preprocessing of one pattern image of the given size.
    private static (float[] Expected, float[] Actual) OracleAndOurs(int width, int height, ImagePreprocessOptions options, string expression)
    {
        using var temp = new TempFolder();
        var png = temp.Bytes("p.png", ImageCodec.EncodePng(Pattern(width, height)));
        var expected = Oracle(temp, png, expression);
        using var scope = torch.NewDisposeScope();
        return (expected, new ImagePreprocessor(options).Load([png]).data<float>().ToArray());
    }

    // Runs PIL (and torchvision when the expression uses it) on the PNG; returns ToTensor()'s (3, H, W) floats.
    private static float[] Oracle(TempFolder temp, string png, string expression)
    {
        var output = Path.Combine(temp.Path, "oracle.f32");
        var script = $"""
            import numpy as np
            from PIL import Image
            {(expression.Contains("transforms.") ? "from torchvision import transforms" : "")}
            img = Image.open(r'{png}').convert('RGB')
            # torchvision's ToTensor: (3, H, W) floats in [0, 1].
            out = (np.asarray({expression}, dtype=np.float32).transpose(2, 0, 1) / np.float32(255)).astype(np.float32)
            out.tofile(r'{output}')
            """;
        PythonOracle.Run(["-"], script);
        var bytes = File.ReadAllBytes(output);
        var result = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, result, 0, bytes.Length);
        return result;
    }
}
