namespace Captioning.Data;

/// <summary>The split an image belongs to; the Karpathy "val" split maps to <see cref="Dev"/>.</summary>
public enum Split
{
    /// <summary>Training images: the vocabulary is built from these only.</summary>
    Train,
    /// <summary>Validation images (Flickr8k "dev", Karpathy "val").</summary>
    Dev,
    /// <summary>Held-out test images.</summary>
    Test,
    /// <summary>Captioned images that no split file names (Flickr8k has 92 of them).</summary>
    Unassigned,
}

/// <summary>One image with its raw captions.</summary>
/// <param name="Id">The file name without its extension, as the tutorial keys images.</param>
/// <param name="FileName">The image's file name as the caption file spells it.</param>
/// <param name="Path">Full path of the image file.</param>
/// <param name="Split">The split the image belongs to.</param>
/// <param name="Captions">Raw captions in caption-number order.</param>
public sealed record CaptionedImage(string Id, string FileName, string Path, Split Split, IReadOnlyList<string> Captions);

/// <summary>An image a loader left out, with the reason, so that nothing is dropped uncounted.</summary>
/// <param name="Name">The file name or key of the image.</param>
/// <param name="Reason">Why it was left out.</param>
public sealed record SkippedImage(string Name, string Reason);

/// <summary>Images with raw captions and splits, as loaded from the Flickr8k layout or a Karpathy JSON file.</summary>
public sealed class CaptionDataset
{
    private readonly Dictionary<string, CaptionedImage> byId;

    /// <summary>Creates a dataset; image ids must be unique.</summary>
    public CaptionDataset(string source, IReadOnlyList<CaptionedImage> images, IReadOnlyList<SkippedImage>? skipped = null)
    {
        Source = source;
        Images = images;
        Skipped = skipped ?? [];
        byId = new Dictionary<string, CaptionedImage>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            if (!byId.TryAdd(image.Id, image))
                throw new CaptioningException($"{source}: image id '{image.Id}' occurs twice ('{byId[image.Id].FileName}' and '{image.FileName}'); ids are file names without extension and must be unique");
        }
    }

    /// <summary>Where the dataset came from (folder or JSON file), for messages.</summary>
    public string Source { get; }

    /// <summary>Every captioned image, in the order of the source.</summary>
    public IReadOnlyList<CaptionedImage> Images { get; }

    /// <summary>Images the loader left out (only with skip options), with reasons.</summary>
    public IReadOnlyList<SkippedImage> Skipped { get; }

    /// <summary>The image with id <paramref name="id"/>, or null.</summary>
    public CaptionedImage? Find(string id) => byId.GetValueOrDefault(id);

    /// <summary>The images of one split, in source order.</summary>
    public IReadOnlyList<CaptionedImage> InSplit(Split split) => Images.Where(i => i.Split == split).ToList();

    /// <summary>Total number of captions over all images.</summary>
    public int CaptionCount => Images.Sum(i => i.Captions.Count);

    /// <summary>Number of captions that are empty or whitespace (accepted, but counted).</summary>
    public int EmptyCaptionCount => Images.Sum(i => i.Captions.Count(string.IsNullOrWhiteSpace));
}
