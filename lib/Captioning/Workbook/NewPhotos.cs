using Captioning.Data;
using Captioning.Inference;
using Captioning.Reports;

namespace Captioning.Workbook;

/// <summary>Notebook 05's steps: pick photos to caption and show a trained model's captions in a gallery.</summary>
public static class NewPhotos
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png"];

    /// <summary>
    /// Up to <paramref name="max"/> JPEG/PNG files of <paramref name="folder"/> in name order, or, when the folder is empty
    /// text, the first test images of <paramref name="dataset"/> (photos no model saw in training).
    /// </summary>
    public static IReadOnlyList<string> Pick(string folder, CaptionDataset dataset, int max)
    {
        if (max < 1) throw new CaptioningException($"photoCount must be at least 1, got {max}");
        if (string.IsNullOrWhiteSpace(folder)) return dataset.InSplit(Split.Test).Take(max).Select(i => i.Path).ToList();
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full)) throw new CaptioningException($"photoFolder '{full}' does not exist; give a folder of .jpg/.png files, or leave it empty for the test images");
        var files = Directory.EnumerateFiles(full)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).Take(max).ToList();
        if (files.Count == 0) throw new CaptioningException($"photoFolder '{full}' holds no .jpg, .jpeg or .png files");
        return files;
    }

    /// <summary>
    /// <paramref name="count"/> synthetic scenes no model has seen: drawn with <paramref name="seed"/>, not the
    /// workbook dataset's seed, into <c>new-photos/seed-N</c> of the work folder (kept for a rerun), each with the
    /// generator's five descriptions as references. All of them, whatever split the generator's layout puts them in.
    /// </summary>
    public static CaptionDataset Unseen(WorkbookFolders folders, int count, int seed, int datasetSeed = 1)
    {
        if (count < 1) throw new CaptioningException($"photoCount must be at least 1, got {count}");
        if (seed == datasetSeed)
            throw new CaptioningException($"newPhotoSeed {seed} draws the workbook's own dataset (seed {datasetSeed}); choose another seed for scenes no model has seen");
        var dir = Path.Combine(folders.Root, "new-photos", "seed-" + seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using (WriterLock.Acquire(dir, "new-photos folder"))
        {
            // The generator splits 6:1:1 and so needs 8 images at least; a request for fewer takes the first ones.
            SyntheticDataset.Generate(dir, Math.Max(count, 8), seed, WorkbookData.SyntheticImageSize);
        }
        var all = DatasetPreparer.Load(dir, null, new PrepareOptions());
        var images = all.Images.OrderBy(i => i.FileName, StringComparer.Ordinal).Take(count).ToList();
        return new CaptionDataset(all.Source, images);
    }

    /// <summary>The captions best first by <see cref="PhotoCaption.LogProbabilityPerStep"/>, the length-normalised score (the total would favour short captions).</summary>
    public static IReadOnlyList<PhotoCaption> Ranked(IEnumerable<PhotoCaption> captions) =>
        captions.OrderByDescending(c => c.LogProbabilityPerStep).ThenBy(c => c.Path, StringComparer.Ordinal).ToList();

    /// <summary>One line per caption for a notebook's output: the file name, the caption, its log-probability per word and in all.</summary>
    public static string Line(PhotoCaption caption) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Path.GetFileName(caption.Path)}  {caption.Caption}  ({caption.LogProbabilityPerStep:F2} per word, {caption.LogProbability:F2} in all)");

    /// <summary>The captions with their photos; a photo that belongs to <paramref name="dataset"/> also shows its reference captions.</summary>
    public static CaptionGallery Gallery(IReadOnlyList<PhotoCaption> captions, CaptionDataset? dataset = null, string? title = null)
    {
        var byPath = dataset?.Images.ToDictionary(i => Path.GetFullPath(i.Path), i => i.Captions) ?? new Dictionary<string, IReadOnlyList<string>>();
        var gallery = new CaptionGallery(title ?? $"{captions.Count} photos captioned", thumbnailSize: 160);
        foreach (var caption in captions)
            gallery.AddFile(Path.GetFileName(caption.Path), caption.Path, caption.Caption, byPath.GetValueOrDefault(Path.GetFullPath(caption.Path)) ?? []);
        return gallery;
    }
}
