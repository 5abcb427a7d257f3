using Captioning.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Captioning.Features;

/// <summary>Decodes a set of images once into one (N, 3, S, S) uint8 tensor, so training epochs never touch the disk.</summary>
public static class ImageCache
{
    /// <summary>The images that were loaded, in order, and their pixels (the caller disposes them).</summary>
    /// <param name="Images">Images with a row in <paramref name="Pixels"/>.</param>
    /// <param name="Pixels">(N, 3, S, S) uint8, on the CPU.</param>
    public sealed record Loaded(IReadOnlyList<CaptionedImage> Images, Tensor Pixels);

    /// <summary>
    /// Loads <paramref name="images"/> with <paramref name="preprocessing"/>, which must give values in
    /// [0, 1] on the 1/255 grid (<see cref="PixelNormalization.UnitRange"/>). An undecodable image throws,
    /// or with <paramref name="skipBadImages"/> is added to <paramref name="skipped"/>.
    /// </summary>
    public static Loaded Load(IReadOnlyList<CaptionedImage> images, ImagePreprocessOptions preprocessing, bool skipBadImages, List<SkippedFeature> skipped)
    {
        if (preprocessing.Normalization != PixelNormalization.UnitRange)
            throw new ArgumentException("the image cache stores bytes, so it needs unit-range values", nameof(preprocessing));
        var preprocessor = new ImagePreprocessor(preprocessing);
        var size = preprocessing.CropSize;
        var kept = new List<CaptionedImage>(images.Count);
        var bytes = new byte[(long)images.Count * 3 * size * size];
        var rowBytes = 3 * size * size;
        foreach (var image in images)
        {
            byte[] row;
            try
            {
                using var scope = torch.NewDisposeScope();
                var x = preprocessor.Process(ImagePreprocessor.Decode(image.Path)); // (1, 3, S, S) in [0, 1]
                row = (x * 255.0 + 0.5).to(ScalarType.Byte).data<byte>().ToArray(); // exact: resizing already rounded to bytes
            }
            catch (CaptioningException e) when (skipBadImages)
            {
                skipped.Add(new SkippedFeature(image.Id, e.Message));
                continue;
            }
            row.CopyTo(bytes.AsSpan(kept.Count * rowBytes, rowBytes));
            kept.Add(image);
        }
        var pixels = torch.tensor(bytes, [kept.Count, 3, size, size], ScalarType.Byte); // (N, 3, S, S)
        return new Loaded(kept, pixels);
    }
}
