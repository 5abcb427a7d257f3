using TorchSharp;
using static TorchSharp.torch;

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
            return ImageCodec.LoadTensor(path); // (H, W, 3)
        }
        catch (CaptioningException e)
        {
            throw new CaptioningException($"{e.Message}; expected a readable JPEG or PNG file", e);
        }
    }

    /// <summary>A (N, 3, C, C) float32 batch of the image files, in order, on the CPU.</summary>
    public Tensor Load(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0) throw new ArgumentException("no images to load", nameof(paths));
        using var scope = torch.NewDisposeScope();
        var parts = new List<Tensor>(paths.Count);
        foreach (var path in paths) parts.Add(Process(Decode(path))); // (1, 3, C, C) each
        return torch.cat(parts, 0).MoveToOuterDisposeScope();         // (N, 3, C, C)
    }

    /// <summary>A (1, 3, C, C) float32 tensor of decoded pixels.</summary>
    public Tensor Process(RawImage image)
    {
        if (image.Channels != 3) throw new ArgumentException($"expected RGB pixels, got {image.Channels} channels");
        using var pixels = torch.tensor(image.Pixels, [image.Height, image.Width, 3], torch.uint8); // (H, W, 3)
        return Process(pixels);
    }

    /// <summary>A (1, 3, C, C) float32 tensor of an RGB (H, W, 3) uint8 tensor, on the tensor's device.</summary>
    public Tensor Process(Tensor pixels)
    {
        if (pixels.dim() != 3 || pixels.size(2) != 3 || pixels.dtype != torch.uint8)
            throw new ArgumentException($"expected RGB pixels as a (H, W, 3) uint8 tensor, got [{string.Join(", ", pixels.shape)}] {pixels.dtype}");
        using var scope = torch.NewDisposeScope();
        var x = pixels.permute(2, 0, 1).unsqueeze(0).to(torch.float32); // (1, 3, H, W)
        var height = (int)x.size(2);
        var width = (int)x.size(3);
        var c = Options.CropSize;
        if (Options.Mode == ResizeMode.Stretch)
        {
            x = Resize(x, c, c); // (1, 3, C, C)
        }
        else
        {
            var (h, w) = ShorterSideSize(height, width, Options.ResizeSize);
            x = Resize(x, h, w); // (1, 3, h, w)
            var (top, left) = CenterCropOrigin(h, w, c);
            x = x.narrow(2, top, c).narrow(3, left, c); // (1, 3, C, C)
        }
        return Normalize(x, Options.Normalization).contiguous().MoveToOuterDisposeScope();
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
        using var scope = torch.NewDisposeScope();
        var result = normalization switch
        {
            PixelNormalization.ImageNet => (rgb255 / 255.0 - Channels(ImagePreprocessOptions.ImageNetMean, rgb255.device)) / Channels(ImagePreprocessOptions.ImageNetStd, rgb255.device),
            PixelNormalization.Caffe => rgb255.index_select(1, torch.tensor(new long[] { 2, 1, 0 }, device: rgb255.device)) - Channels(ImagePreprocessOptions.CaffeBgrMean, rgb255.device),
            PixelNormalization.MinusOneToOne => rgb255 / 127.5 - 1.0,
            PixelNormalization.UnitRange => rgb255 / 255.0,
            PixelNormalization.Rgb255 => rgb255.clone(),
            _ => throw new ArgumentOutOfRangeException(nameof(normalization)),
        };
        return result.MoveToOuterDisposeScope();
    }

    // Resizes like PIL on 8-bit images: PIL rounds its output to bytes, so this does too.
    private Tensor Resize(Tensor x, int height, int width)
    {
        if (x.size(2) == height && x.size(3) == width) return x;
        if (Options.Filter == ResizeFilter.Nearest)
        {
            var rows = NearestIndices((int)x.size(2), height, x.device);
            var cols = NearestIndices((int)x.size(3), width, x.device);
            return x.index_select(2, rows).index_select(3, cols); // (N, 3, height, width)
        }
        var mode = Options.Filter == ResizeFilter.Bicubic ? InterpolationMode.Bicubic : InterpolationMode.Bilinear;
        var resized = torch.nn.functional.interpolate(x, [height, width], mode: mode, align_corners: false, antialias: true);
        return (resized + 0.5).clamp(0, 255).to(torch.uint8).to(torch.float32); // (N, 3, height, width)
    }

    // PIL's NEAREST samples source pixel floor((i + 0.5) * in / out); torch's "nearest" uses floor(i * in / out).
    private static Tensor NearestIndices(int input, int output, torch.Device device)
    {
        var index = new long[output];
        var scale = (double)input / output;
        for (var i = 0; i < output; i++) index[i] = Math.Min(input - 1, (long)Math.Floor((i + 0.5) * scale));
        return torch.tensor(index, device: device); // (output)
    }

    private static Tensor Channels(IReadOnlyList<float> values, torch.Device device) =>
        torch.tensor(values.ToArray(), [1, 3, 1, 1], device: device); // (1, 3, 1, 1)
}
