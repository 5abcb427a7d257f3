using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Captioning.Data;

/// <summary>Settings of one synthetic dataset; equal settings give byte-identical output.</summary>
/// <param name="Images">Number of images (at least 8, so every split gets one).</param>
/// <param name="Seed">Master seed; image i is drawn from a seed derived from (Seed, i).</param>
/// <param name="Size">Side of the square images in pixels.</param>
public sealed record SyntheticSettings(int Images, int Seed, int Size)
{
    /// <summary>Throws a <see cref="CaptioningException"/> for settings that cannot work.</summary>
    public void Validate()
    {
        if (Images < 8) throw new CaptioningException($"--images must be at least 8 so that the 6:1:1 split gives every split an image, got {Images}");
        if (Size is < 32 or > 1024) throw new CaptioningException($"--size must be 32-1024 pixels, got {Size}");
    }
}

/// <summary>What <see cref="SyntheticDataset.Generate"/> did.</summary>
/// <param name="Rendered">Images drawn in this run.</param>
/// <param name="Reused">Images already present from an interrupted run with the same settings.</param>
/// <param name="AlreadyComplete">True when a finished dataset with the same settings was found and nothing was written.</param>
/// <param name="Train">Training images.</param>
/// <param name="Dev">Dev images.</param>
/// <param name="Test">Test images.</param>
/// <param name="Elapsed">Wall-clock time.</param>
public sealed record SyntheticResult(int Rendered, int Reused, bool AlreadyComplete, int Train, int Dev, int Test, TimeSpan Elapsed);

/// <summary>
/// The embedded synthetic dataset: scenes of coloured shapes with five captions each, written in the
/// exact Flickr8k layout with a 6:1:1 split, deterministically and resumably.
/// </summary>
public static class SyntheticDataset
{
    /// <summary>The settings file; "complete": true marks a finished dataset.</summary>
    public const string SettingsFile = "synthetic.json";
    private const int GeneratorVersion = 1;

    /// <summary>Generates the dataset into <paramref name="outDir"/>; refuses to replace a different dataset unless <paramref name="force"/>.</summary>
    public static SyntheticResult Generate(string outDir, int images, int seed, int sizePx, bool force = false, int threads = 0)
    {
        var settings = new SyntheticSettings(images, seed, sizePx);
        settings.Validate();
        if (threads < 0) throw new CaptioningException($"--threads must be 0 (one per core) or more, got {threads}");
        var clock = Stopwatch.StartNew();
        var splits = SplitOf(settings);
        var counts = (Train: splits.Count(s => s == Split.Train), Dev: splits.Count(s => s == Split.Dev), Test: splits.Count(s => s == Split.Test));
        if (PrepareFolder(outDir, settings, force))
            return new SyntheticResult(0, 0, true, counts.Train, counts.Dev, counts.Test, clock.Elapsed);

        var imageDir = Path.Combine(outDir, Flickr8kLoader.ImageFolder);
        Directory.CreateDirectory(imageDir);
        var captions = new string[images][];
        var rendered = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };
        Parallel.For(0, images, parallel, i =>
        {
            // One generator per image: the output does not depend on the thread count or order.
            var random = new Random(Seeds.Mix(seed, i));
            var scene = SceneSampler.Sample(random);
            captions[i] = SceneCaptioner.Captions(scene, random);
            var path = Path.Combine(imageDir, FileName(i));
            if (File.Exists(path)) return;  // written atomically by an earlier run with these settings
            var pixels = SceneRenderer.Render(scene, sizePx, random);
            AtomicFile.WriteAllBytes(path, ImageCodec.EncodeJpeg(new RawImage(pixels, sizePx, sizePx), quality: 92));
            Interlocked.Increment(ref rendered);
        });
        WriteText(outDir, captions, splits);
        WriteSettings(outDir, settings, complete: true);
        return new SyntheticResult(rendered, images - rendered, false, counts.Train, counts.Dev, counts.Test, clock.Elapsed);
    }

    /// <summary>The file name of image <paramref name="index"/>.</summary>
    public static string FileName(int index) => $"synth_{index.ToString("D5", CultureInfo.InvariantCulture)}.jpg";

    // A seeded shuffle assigns 6/8 of the images to train, 1/8 each to dev and test.
    private static Split[] SplitOf(SyntheticSettings settings)
    {
        var order = Enumerable.Range(0, settings.Images).ToArray();
        new Random(Seeds.Mix(settings.Seed, -1)).Shuffle(order);
        var dev = settings.Images / 8;
        var test = settings.Images / 8;
        var result = new Split[settings.Images];
        for (var k = 0; k < order.Length; k++)
            result[order[k]] = k < dev ? Split.Dev : k < dev + test ? Split.Test : Split.Train;
        return result;
    }

    // True when a finished dataset with these settings is already there.
    private static bool PrepareFolder(string outDir, SyntheticSettings settings, bool force)
    {
        var settingsPath = Path.Combine(outDir, SettingsFile);
        if (Directory.Exists(outDir) && !force)
        {
            if (File.Exists(settingsPath))
            {
                var (existing, complete) = ReadSettings(settingsPath);
                if (existing != settings)
                    throw new CaptioningException($"'{outDir}' holds a different synthetic dataset ({Describe(existing)}); pass --force to replace it or choose another --out");
                if (complete) return true;
            }
            else if (Directory.EnumerateFileSystemEntries(outDir).Any())
            {
                throw new CaptioningException($"'{outDir}' is not empty and holds no {SettingsFile}; pass --force to write the synthetic dataset there anyway or choose an empty --out");
            }
        }
        else if (force)
        {
            // Only what this generator writes is removed; other files in the folder stay.
            foreach (var folder in new[] { Flickr8kLoader.ImageFolder, Flickr8kLoader.TextFolder })
            {
                var path = Path.Combine(outDir, folder);
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            }
        }
        WriteSettings(outDir, settings, complete: false);
        return false;
    }

    private static void WriteText(string outDir, string[][] captions, Split[] splits)
    {
        var textDir = Path.Combine(outDir, Flickr8kLoader.TextFolder);
        var tokens = new StringBuilder();
        for (var i = 0; i < captions.Length; i++)
        {
            for (var k = 0; k < captions[i].Length; k++) tokens.Append(FileName(i)).Append('#').Append(k).Append('\t').Append(captions[i][k]).Append('\n');
        }
        AtomicFile.WriteAllText(Path.Combine(textDir, Flickr8kLoader.TokenFile), tokens.ToString());
        foreach (var (split, file) in Flickr8kLoader.SplitFiles)
        {
            var names = Enumerable.Range(0, splits.Length).Where(i => splits[i] == split).Select(i => FileName(i) + "\n");
            AtomicFile.WriteAllText(Path.Combine(textDir, file), string.Concat(names));
        }
    }

    private static void WriteSettings(string outDir, SyntheticSettings settings, bool complete)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["generator"] = "captioning-shapes",
            ["version"] = GeneratorVersion,
            ["images"] = settings.Images,
            ["seed"] = settings.Seed,
            ["size"] = settings.Size,
            ["complete"] = complete,
        });
        AtomicFile.WriteAllText(Path.Combine(outDir, SettingsFile), json + "\n");
    }

    private static (SyntheticSettings Settings, bool Complete) ReadSettings(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            var version = root.GetProperty("version").GetInt32();
            var settings = new SyntheticSettings(root.GetProperty("images").GetInt32(), root.GetProperty("seed").GetInt32(), root.GetProperty("size").GetInt32());
            // An older generator draws different pictures: treat it as a different dataset.
            if (version != GeneratorVersion) settings = settings with { Images = -settings.Images };
            return (settings, root.GetProperty("complete").GetBoolean());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CaptioningException($"'{path}' is not a valid synthetic dataset settings file ({e.Message}); pass --force to regenerate");
        }
    }

    private static string Describe(SyntheticSettings s) =>
        s.Images < 0 ? "written by another generator version" : $"{s.Images} images, seed {s.Seed}, {s.Size} px";
}
