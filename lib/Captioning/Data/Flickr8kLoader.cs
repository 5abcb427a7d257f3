using System.Globalization;

namespace Captioning.Data;

/// <summary>Options of <see cref="Flickr8kLoader"/>.</summary>
/// <param name="SkipMissing">Skip (and count) split entries whose image has no captions or no file, instead of failing.</param>
public sealed record Flickr8kOptions(bool SkipMissing = false);

/// <summary>
/// Loads the Flickr8k layout: Flickr8k_text/Flickr8k.token.txt (<c>&lt;file&gt;.jpg#&lt;k&gt;\t&lt;caption&gt;</c>),
/// the three split files (one file name a line) and the images in Flickr8k_Dataset/.
/// </summary>
public static class Flickr8kLoader
{
    /// <summary>The caption file's name.</summary>
    public const string TokenFile = "Flickr8k.token.txt";
    /// <summary>The folder holding the caption and split files.</summary>
    public const string TextFolder = "Flickr8k_text";
    /// <summary>The folder holding the JPEGs.</summary>
    public const string ImageFolder = "Flickr8k_Dataset";
    /// <summary>The split files, in the order train, dev, test.</summary>
    public static IReadOnlyList<(Split Split, string File)> SplitFiles { get; } =
    [
        (Split.Train, "Flickr_8k.trainImages.txt"),
        (Split.Dev, "Flickr_8k.devImages.txt"),
        (Split.Test, "Flickr_8k.testImages.txt"),
    ];

    // The official Flickr8k_Dataset.zip unpacks to this misspelt folder; accept it as found.
    private const string MisspeltImageFolder = "Flicker8k_Dataset";

    /// <summary>Loads the dataset under <paramref name="directory"/>; malformed input throws a <see cref="CaptioningException"/> naming file and line.</summary>
    public static CaptionDataset Load(string directory, Flickr8kOptions? options = null)
    {
        options ??= new Flickr8kOptions();
        if (!Directory.Exists(directory))
            throw new CaptioningException($"Flickr8k folder '{directory}' does not exist; it must hold {TextFolder}/ and {ImageFolder}/ (see data/README.md)");
        var textDir = Path.Combine(directory, TextFolder);
        if (!Directory.Exists(textDir))
            throw new CaptioningException($"'{directory}' has no {TextFolder}/ folder; unpack Flickr8k_text.zip there (see data/README.md)");
        var imageDir = Path.Combine(directory, ImageFolder);
        if (!Directory.Exists(imageDir) && Directory.Exists(Path.Combine(directory, MisspeltImageFolder)))
            imageDir = Path.Combine(directory, MisspeltImageFolder);
        if (!Directory.Exists(imageDir))
            throw new CaptioningException($"'{directory}' has no {ImageFolder}/ folder; unpack Flickr8k_Dataset.zip there (see data/README.md)");

        var captions = ReadTokenFile(Path.Combine(textDir, TokenFile));
        var splitOf = new Dictionary<string, (Split Split, string Where)>(StringComparer.Ordinal);
        var skipped = new List<SkippedImage>();
        foreach (var (split, name) in SplitFiles)
            ReadSplitFile(Path.Combine(textDir, name), split, captions, imageDir, options, splitOf, skipped);

        var images = new List<CaptionedImage>(captions.Count);
        foreach (var (file, byNumber) in captions)
        {
            var split = splitOf.TryGetValue(file, out var s) ? s.Split : Split.Unassigned;
            var ordered = byNumber.OrderBy(p => p.Key).Select(p => p.Value.Caption).ToList();
            images.Add(new CaptionedImage(ImageId(file), file, Path.Combine(imageDir, file), split, ordered));
        }
        return new CaptionDataset(directory, images, skipped);
    }

    /// <summary>The tutorial's image id: the file name without its extension.</summary>
    public static string ImageId(string fileName) => Path.GetFileNameWithoutExtension(fileName);

    private static Dictionary<string, SortedDictionary<int, (string Caption, int Line)>> ReadTokenFile(string path)
    {
        var lines = TextLines.Read(path, "caption file");
        var result = new Dictionary<string, SortedDictionary<int, (string Caption, int Line)>>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var lineNo = i + 1;
            if (line.Trim().Length == 0) continue;
            var tab = line.IndexOf('\t');
            if (tab < 0)
                throw new CaptioningException($"{path}:{lineNo}: no tab; expected '<file>.jpg#<k><TAB><caption>'");
            var key = line[..tab].Trim();
            var hash = key.LastIndexOf('#');
            if (hash <= 0 || !int.TryParse(key.AsSpan(hash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                throw new CaptioningException($"{path}:{lineNo}: key '{key}' lacks '#<k>' with a caption number k >= 0; expected '<file>.jpg#<k><TAB><caption>'");
            var file = key[..hash];
            if (!result.TryGetValue(file, out var byNumber)) result[file] = byNumber = new SortedDictionary<int, (string, int)>();
            if (byNumber.TryGetValue(number, out var first))
                throw new CaptioningException($"{path}:{lineNo}: duplicate caption key '{key}' (first at line {first.Line}); each <file>#<k> must occur once");
            byNumber[number] = (line[(tab + 1)..].Trim(), lineNo);
        }
        return result;
    }

    private static void ReadSplitFile(string path, Split split,
        Dictionary<string, SortedDictionary<int, (string Caption, int Line)>> captions, string imageDir, Flickr8kOptions options,
        Dictionary<string, (Split Split, string Where)> splitOf, List<SkippedImage> skipped)
    {
        var lines = TextLines.Read(path, "split file");
        for (var i = 0; i < lines.Length; i++)
        {
            var file = lines[i].Trim();
            if (file.Length == 0) continue;
            var where = $"{path}:{i + 1}";
            if (splitOf.TryGetValue(file, out var earlier))
                throw new CaptioningException($"{where}: image '{file}' is already listed at {earlier.Where}; an image belongs to one split once");
            if (!captions.ContainsKey(file))
            {
                if (!options.SkipMissing)
                    throw new CaptioningException($"{where}: image '{file}' has no captions in {TokenFile}; fix the split file or pass --skip-missing to skip such images");
                skipped.Add(new SkippedImage(file, $"{where}: no captions"));
                continue;
            }
            if (!File.Exists(Path.Combine(imageDir, file)))
            {
                if (!options.SkipMissing)
                    throw new CaptioningException($"{where}: image file '{Path.Combine(imageDir, file)}' does not exist; add it or pass --skip-missing to skip such images");
                skipped.Add(new SkippedImage(file, $"{where}: no image file"));
                captions.Remove(file);
                continue;
            }
            splitOf[file] = (split, where);
        }
    }
}
