using Captioning;
using Captioning.Data;
using Xunit;

namespace Captioning.Tests.Data;

public sealed class SyntheticDatasetTests : NativeLeakGuard
{
    [Fact]
    public void Generate_WritesTheFlickr8kLayoutWithASixOneOneSplit()
    {
        using var temp = new TempFolder();
        var result = SyntheticDataset.Generate(temp.Path, images: 16, seed: 5, sizePx: 48);
        Assert.Equal((16, 0, false, 12, 2, 2), (result.Rendered, result.Reused, result.AlreadyComplete, result.Train, result.Dev, result.Test));
        var dataset = Flickr8kLoader.Load(temp.Path);
        Assert.Equal([12, 2, 2, 0], Enum.GetValues<Split>().Select(s => dataset.InSplit(s).Count));
        Assert.All(dataset.Images, image =>
        {
            Assert.Equal(5, image.Captions.Select(c => CaptionCleaner.Tutorial.Clean(c)).Distinct().Count());
            Assert.Matches(@"^synth_\d{5}$", image.Id);
        });
        var first = File.ReadLines(Path.Combine(temp.Path, "Flickr8k_text", "Flickr8k.token.txt")).First();
        Assert.Matches(@"^synth_00000\.jpg#0\t\S.*$", first);
        var decoded = ImageCodec.Load(dataset.Images[0].Path);
        Assert.Equal((48, 48), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void Generate_IsIdenticalForAnyThreadCount()
    {
        using var one = new TempFolder();
        using var two = new TempFolder();
        SyntheticDataset.Generate(one.Path, 12, 9, 40, threads: 1);
        SyntheticDataset.Generate(two.Path, 12, 9, 40, threads: 2);
        var files = Directory.GetFiles(one.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(one.Path, f)).Order().ToArray();
        Assert.Equal(12 + 4 + 1, files.Length);
        Assert.Equal(files, Directory.GetFiles(two.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(two.Path, f)).Order());
        Assert.All(files, f => Assert.Equal(File.ReadAllBytes(Path.Combine(one.Path, f)), File.ReadAllBytes(Path.Combine(two.Path, f))));
    }

    [Fact]
    public void Generate_RefusesADifferentDatasetWithoutForce()
    {
        using var temp = new TempFolder();
        SyntheticDataset.Generate(temp.Path, 8, 1, 32);
        var e = Assert.Throws<CaptioningException>(() => SyntheticDataset.Generate(temp.Path, 8, 2, 32));
        Assert.Contains("holds a different synthetic dataset (8 images, seed 1, 32 px); pass --force", e.Message);
        var replaced = SyntheticDataset.Generate(temp.Path, 9, 2, 32, force: true);
        Assert.Equal(9, replaced.Rendered);
        Assert.Equal(9, Directory.GetFiles(Path.Combine(temp.Path, "Flickr8k_Dataset")).Length);
    }

    [Fact]
    public void Generate_RefusesAForeignNonEmptyFolder()
    {
        using var temp = new TempFolder();
        temp.File("notes.txt", "mine");
        var e = Assert.Throws<CaptioningException>(() => SyntheticDataset.Generate(temp.Path, 8, 1, 32));
        Assert.Contains("is not empty and holds no synthetic.json", e.Message);
    }

    [Fact]
    public void Generate_ResumesAnInterruptedRunAndSkipsAFinishedOne()
    {
        using var temp = new TempFolder();
        SyntheticDataset.Generate(temp.Path, 10, 3, 32);
        var tokens = File.ReadAllBytes(Path.Combine(temp.Path, "Flickr8k_text", "Flickr8k.token.txt"));
        Assert.True(SyntheticDataset.Generate(temp.Path, 10, 3, 32).AlreadyComplete);

        // Simulate a run killed after seven images: no text files, settings not yet marked complete.
        foreach (var i in new[] { 2, 5, 9 }) File.Delete(Path.Combine(temp.Path, "Flickr8k_Dataset", SyntheticDataset.FileName(i)));
        Directory.Delete(Path.Combine(temp.Path, "Flickr8k_text"), recursive: true);
        var settings = Path.Combine(temp.Path, SyntheticDataset.SettingsFile);
        File.WriteAllText(settings, File.ReadAllText(settings).Replace("\"complete\":true", "\"complete\":false"));

        var resumed = SyntheticDataset.Generate(temp.Path, 10, 3, 32);
        Assert.Equal((3, 7, false), (resumed.Rendered, resumed.Reused, resumed.AlreadyComplete));
        Assert.Equal(tokens, File.ReadAllBytes(Path.Combine(temp.Path, "Flickr8k_text", "Flickr8k.token.txt")));
    }

    [Fact]
    public void Generate_RejectsTooFewImages()
    {
        using var temp = new TempFolder();
        Assert.Contains("--images must be at least 8", Assert.Throws<CaptioningException>(() => SyntheticDataset.Generate(temp.Path, 7, 1, 32)).Message);
    }

    [Fact]
    public void Captions_MentionEveryObjectsColourAndShape()
    {
        for (var i = 0; i < 300; i++)
        {
            var random = new Random(Seeds.Mix(11, i));
            var scene = SceneSampler.Sample(random);
            var captions = SceneCaptioner.Captions(scene, random);
            Assert.Equal(5, captions.Distinct().Count());
            foreach (var caption in captions)
            {
                var words = CaptionCleaner.Tutorial.Tokens(caption);
                foreach (var obj in scene.Objects)
                {
                    Assert.Contains(obj.Colour.Name, words);
                    var shape = obj.Shape.ToString().ToLowerInvariant();
                    Assert.True(words.Any(w => w == shape || w.StartsWith(shape, StringComparison.Ordinal)), $"'{caption}' does not name the {shape}");
                }
                if (scene.Layout == SceneLayout.Group)
                    Assert.True(words.Contains(scene.Objects.Count == 2 ? "two" : "three") || words.Contains("few"), caption);
            }
        }
    }

    [Fact]
    public void Render_PaintsEachObjectInItsColourOverTheBackground()
    {
        var random = new Random(Seeds.Mix(4, 0));
        var scene = SceneSampler.Sample(random);
        const int size = 96;
        var pixels = SceneRenderer.Render(scene, size, random);
        foreach (var obj in scene.Objects)
        {
            var p = ((int)(obj.Y * size) * size + (int)(obj.X * size)) * 3;
            // The centre of every shape kind is inside it; tones vary by at most 12 per channel.
            Assert.InRange(pixels[p] - obj.Colour.R, -13, 13);
            Assert.InRange(pixels[p + 1] - obj.Colour.G, -13, 13);
            Assert.InRange(pixels[p + 2] - obj.Colour.B, -13, 13);
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void RoundTrip_SynthPrepareBatches()
    {
        using var temp = new TempFolder();
        var data = Path.Combine(temp.Path, "synthetic");
        var prepared = Path.Combine(temp.Path, "prepared");
        SyntheticDataset.Generate(data, 24, 2, 40);
        var summary = DatasetPreparer.Prepare(data, null, prepared);
        Assert.Equal((18, 3, 3), (summary.Images[Split.Train], summary.Images[Split.Dev], summary.Images[Split.Test]));
        Assert.Equal(120, summary.Captions);
        Assert.Equal(120, File.ReadAllLines(Path.Combine(prepared, DatasetPreparer.DescriptionsFile)).Length);
        Assert.StartsWith("Loaded: 24 images (train 18, dev 3, test 3, unassigned 0)", File.ReadAllText(Path.Combine(prepared, DatasetPreparer.SummaryFile)));

        var vocabulary = Vocabulary.Load(Path.Combine(prepared, DatasetPreparer.VocabularyFile));
        Assert.Equal(summary.VocabularySize, vocabulary.Count);
        var dataset = Flickr8kLoader.Load(data);
        var train = EncodedCaptions.Build(dataset, Split.Train, vocabulary);
        Assert.Equal(90, train.Count);
        var batcher = new CaptionBatcher(train, new BatcherOptions(BatchSize: 16, Seed: 1, BucketByLength: true));
        var rows = 0;
        foreach (var batch in batcher.Batches(epoch: 0))
        {
            using (batch)
            {
                var steps = batch.Input.size(1);
                Assert.Equal(batch.CaptionIndices.Max(train.Length) + 1, steps);
                var input = batch.Input.data<long>().ToArray();
                var target = batch.Target.data<long>().ToArray();
                for (var b = 0; b < batch.Size; b++)
                {
                    Assert.Equal(Vocabulary.Start, input[b * steps]);
                    // Decoding the target row gives back the cleaned caption of that training image.
                    var words = vocabulary.DecodeToString(target.Skip(b * (int)steps).Take((int)steps).Select(t => (int)t));
                    var image = dataset.Find(train.ImageIds[batch.ImageRows[b]])!;
                    Assert.Contains(words, image.Captions.Select(CaptionCleaner.Tutorial.Clean));
                }
                rows += batch.Size;
            }
        }
        Assert.Equal(90, rows);
    }
}
