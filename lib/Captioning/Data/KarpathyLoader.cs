using System.Text.Json;

namespace Captioning.Data;

/// <summary>Where Karpathy's "restval" images (COCO val2014 images outside his val/test) go.</summary>
public enum RestvalPolicy
{
    /// <summary>Add them to training, as Karpathy's own training code and most captioning papers do.</summary>
    Train,
    /// <summary>Add them to the dev split.</summary>
    Dev,
    /// <summary>Leave them out; they are listed in <see cref="CaptionDataset.Skipped"/>.</summary>
    Exclude,
}

/// <summary>Options of <see cref="KarpathyLoader"/>.</summary>
/// <param name="Restval">What to do with "restval" images (default: train).</param>
/// <param name="SkipMissing">Skip (and count) images whose file does not exist under the image root, instead of failing.</param>
public sealed record KarpathyOptions(RestvalPolicy Restval = RestvalPolicy.Train, bool SkipMissing = false);

/// <summary>
/// Loads Karpathy's split files (dataset_flickr8k.json, dataset_flickr30k.json, dataset_coco.json):
/// images[].filename, optional .filepath, .split (train/val/test/restval) and .sentences[].raw.
/// </summary>
public static class KarpathyLoader
{
    /// <summary>Loads <paramref name="jsonPath"/>; image paths are <paramref name="imageRoot"/>/[filepath/]filename.</summary>
    public static CaptionDataset Load(string jsonPath, string imageRoot, KarpathyOptions? options = null)
    {
        options ??= new KarpathyOptions();
        if (!File.Exists(jsonPath))
            throw new CaptioningException($"Karpathy split file '{jsonPath}' does not exist");
        if (!Directory.Exists(imageRoot))
            throw new CaptioningException($"image folder '{imageRoot}' for '{jsonPath}' does not exist");
        JsonDocument document;
        try
        {
            using var stream = File.OpenRead(jsonPath);
            document = JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new CaptioningException($"{jsonPath}: not valid JSON at line {e.LineNumber + 1}: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("images", out var images) || images.ValueKind != JsonValueKind.Array)
                throw new CaptioningException($"{jsonPath}: expected an object with an \"images\" array (Karpathy's dataset_*.json format)");
            var result = new List<CaptionedImage>();
            var skipped = new List<SkippedImage>();
            var index = 0;
            foreach (var image in images.EnumerateArray())
            {
                var where = $"{jsonPath}: images[{index++}]";
                var fileName = RequiredString(image, "filename", where);
                var folder = image.TryGetProperty("filepath", out var fp) && fp.ValueKind == JsonValueKind.String ? fp.GetString()! : "";
                var splitName = RequiredString(image, "split", where);
                Split split;
                switch (splitName)
                {
                    case "train": split = Split.Train; break;
                    case "val": split = Split.Dev; break;
                    case "test": split = Split.Test; break;
                    case "restval" when options.Restval == RestvalPolicy.Exclude:
                        skipped.Add(new SkippedImage(fileName, $"{where}: restval image excluded by option"));
                        continue;
                    case "restval": split = options.Restval == RestvalPolicy.Train ? Split.Train : Split.Dev; break;
                    default:
                        throw new CaptioningException($"{where} ('{fileName}'): unknown split '{splitName}'; expected train, val, test or restval");
                }
                var path = Path.Combine(imageRoot, folder, fileName);
                if (!File.Exists(path))
                {
                    if (!options.SkipMissing)
                        throw new CaptioningException($"{where}: image file '{path}' does not exist; check the image root or pass --skip-missing");
                    skipped.Add(new SkippedImage(fileName, $"{where}: no image file"));
                    continue;
                }
                result.Add(new CaptionedImage(Flickr8kLoader.ImageId(fileName), fileName, path, split, Sentences(image, where)));
            }
            return new CaptionDataset(jsonPath, result, skipped);
        }
    }

    private static string RequiredString(JsonElement image, string name, string where)
    {
        if (image.ValueKind != JsonValueKind.Object)
            throw new CaptioningException($"{where}: expected an object, found {image.ValueKind}");
        if (!image.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
            throw new CaptioningException($"{where}: missing string field \"{name}\"");
        return value.GetString()!;
    }

    private static List<string> Sentences(JsonElement image, string where)
    {
        if (!image.TryGetProperty("sentences", out var sentences) || sentences.ValueKind != JsonValueKind.Array)
            throw new CaptioningException($"{where}: missing \"sentences\" array");
        var result = new List<string>();
        var k = 0;
        foreach (var sentence in sentences.EnumerateArray())
        {
            if (sentence.ValueKind != JsonValueKind.Object || !sentence.TryGetProperty("raw", out var raw) || raw.ValueKind != JsonValueKind.String)
                throw new CaptioningException($"{where}.sentences[{k}]: missing string field \"raw\"");
            result.Add(raw.GetString()!.Trim());
            k++;
        }
        return result;
    }
}
