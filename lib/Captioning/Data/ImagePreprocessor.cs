using Captioning.Torch;
using Captioning.Torch.NN;

namespace Captioning.Data;

/// <summary>Decodes images and turns them into normalised (N, 3, C, C) float32 batches with libtorch ops.</summary>
public sealed class ImagePreprocessor
{
    /// <summary>Creates a preprocessor; the options are validated.</summary>
    public ImagePreprocessor(ImagePreprocessOptions options)
    {
        options.Validate();
        Options = options;
    }

    /// <summary>The settings in use.</summary>
    public ImagePreprocessOptions Options { get; }

    /// <summary>Decodes an image file to an RGB (H, W, 3) uint8 tensor; a missing or undecodable file throws naming it.</summary>
    public static Tensor Decode(string path)
    {
        if (!File.Exists(path)) throw new CaptioningException($"image '{path}' does not exist");
        if (new FileInfo(path).Length == 0) throw new CaptioningException($"image '{path}' is empty (0 bytes); expected a JPEG or PNG file");
        try
        {
            return ImageCodec.LoadTensor(path);
        }
        catch (CaptioningException e)
        {
            throw new CaptioningException($"{e.Message}; expected a readable JPEG or PNG file", e);
        }
    }

    /// <summary>A (N, 3, C, C) float32 batch of the image files, in order.</summary>
    public Tensor Load(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0) throw new ArgumentException("no images to load", nameof(paths));
        var parts = new List<Tensor>(paths.Count);
        try
        {
            foreach (var path in paths)
            {
                using var pixels = Decode(path);  // (H, W, 3)
                parts.Add(Process(pixels));       // (1, 3, C, C)
            }
            return Tensor.Cat(parts, 0);          // (N, 3, C, C)
        }
        finally
        {
            foreach (var part in parts) part.Dispose();
        }
    }

    /// <summary>A (1, 3, C, C) float32 tensor of decoded pixels.</summary>
    public Tensor Process(RawImage image)
    {
        if (image.Channels != 3) throw new ArgumentException($"expected RGB pixels, got {image.Channels} channels");
        using var pixels = Tensor.From<byte>(image.Pixels, [image.Height, image.Width, 3]);  // (H, W, 3)
        return Process(pixels);
    }

    /// <summary>A (1, 3, C, C) float32 tensor of an RGB (H, W, 3) uint8 tensor.</summary>
    public Tensor Process(Tensor pixels)
    {
        if (pixels.Dim != 3 || pixels.Size(2) != 3 || pixels.DType != DType.UInt8)
            throw new ArgumentException($"expected RGB pixels as a (H, W, 3) uint8 tensor, got {pixels}");
        Tensor result;
        using (var scope = DisposeScope.Enter())
        {
            var x = pixels.Permute(2, 0, 1).Unsqueeze(0).To(DType.Float32);  // (1, 3, H, W)
            var height = (int)x.Size(2);
            var width = (int)x.Size(3);
            var c = Options.CropSize;
            if (Options.Mode == ResizeMode.Stretch)
            {
                x = Resize(x, c, c);  // (1, 3, C, C)
            }
            else
            {
                var (h, w) = ShorterSideSize(height, width, Options.ResizeSize);
                x = Resize(x, h, w);  // (1, 3, h, w)
                var (top, left) = CenterCropOrigin(h, w, c);
                x = x.Narrow(2, top, c).Narrow(3, left, c);  // (1, 3, C, C)
            }
            result = Normalize(x, Options.Normalization).Contiguous().MoveToOuterScope();
        }
        return result;
    }

    /// <summary>torchvision's Resize(int) output size: shorter side becomes <paramref name="size"/>, the longer is truncated in proportion.</summary>
    public static (int Height, int Width) ShorterSideSize(int height, int width, int size) =>
        width <= height ? (checked((int)((long)size * height / width)), size) : (size, checked((int)((long)size * width / height)));

    /// <summary>torchvision's CenterCrop origin: round((in - crop) / 2) with Python's round-half-to-even.</summary>
    public static (int Top, int Left) CenterCropOrigin(int height, int width, int crop) =>
        ((int)Math.Round((height - crop) / 2.0, MidpointRounding.ToEven), (int)Math.Round((width - crop) / 2.0, MidpointRounding.ToEven));

    /// <summary>Applies <paramref name="normalization"/> to (N, 3, H, W) RGB values on the 0-255 scale.</summary>
    public static Tensor Normalize(Tensor rgb255, PixelNormalization normalization)
    {
        using var scope = DisposeScope.Enter();
        var result = normalization switch
        {
            PixelNormalization.ImageNet => (rgb255 / 255.0 - Channels(ImagePreprocessOptions.ImageNetMean)) / Channels(ImagePreprocessOptions.ImageNetStd),
            PixelNormalization.Caffe => rgb255.IndexSelect(1, Tensor.From<long>([2, 1, 0], [3])) - Channels(ImagePreprocessOptions.CaffeBgrMean),
            PixelNormalization.MinusOneToOne => rgb255 / 127.5 - 1.0,
            PixelNormalization.UnitRange => rgb255 / 255.0,
            _ => throw new ArgumentOutOfRangeException(nameof(normalization)),
        };
        return result.MoveToOuterScope();
    }

    // Resizes like PIL on 8-bit images: PIL rounds its output to bytes, so this does too.
    private Tensor Resize(Tensor x, int height, int width)
    {
        if (x.Size(2) == height && x.Size(3) == width) return x;
        if (Options.Filter == ResizeFilter.Nearest)
        {
            var rows = NearestIndices((int)x.Size(2), height);
            var cols = NearestIndices((int)x.Size(3), width);
            return x.IndexSelect(2, rows).IndexSelect(3, cols);  // (N, 3, height, width)
        }
        var resized = Functional.Interpolate(x, height, width, InterpolationMode.Bilinear, alignCorners: false, antialias: true);
        return (resized + 0.5).Clamp(0, 255).To(DType.UInt8).To(DType.Float32);  // (N, 3, height, width)
    }

    // PIL's NEAREST samples source pixel floor((i + 0.5) * in / out); torch's "nearest" uses floor(i * in / out).
    private static Tensor NearestIndices(int input, int output)
    {
        var index = new long[output];
        var scale = (double)input / output;
        for (var i = 0; i < output; i++) index[i] = Math.Min(input - 1, (long)Math.Floor((i + 0.5) * scale));
        return Tensor.From<long>(index, [output]);
    }

    private static Tensor Channels(IReadOnlyList<float> values) => Tensor.From<float>(values.ToArray(), [1, 3, 1, 1]);
}
