using Captioning.Data;
using Xunit;

namespace Captioning.Tests.Data;

public sealed class DatasetPreparerTests
{
    [Fact]
    public void Prepare_WritesDescriptionsVocabularyAndSummary()
    {
        using var temp = new TempFolder();
        var tokens = string.Concat("abcdefgh".Select(c => $"{c}.jpg#0\tA dog runs .\n{c}.jpg#1\t2 !\n"));
        temp.Flickr8k(tokens, train: "a.jpg\nb.jpg\nghost.jpg\n");
        var outDir = Path.Combine(temp.Path, "prepared");
        var summary = DatasetPreparer.Prepare(temp.Path, null, outDir, new PrepareOptions(SkipMissing: true));
        Assert.Equal(8, summary.Images.Values.Sum());
        Assert.Equal((2, 1, 1, 4), (summary.Images[Split.Train], summary.Images[Split.Dev], summary.Images[Split.Test], summary.Images[Split.Unassigned]));
        Assert.Equal((16, 8, 1), (summary.Captions, summary.EmptyCaptions, summary.Skipped));
        Assert.Equal((2, 6, 2), (summary.DescriptionWords, summary.VocabularySize, summary.MaxLength));
        var lines = File.ReadAllLines(Path.Combine(outDir, DatasetPreparer.DescriptionsFile));
        Assert.Equal(["a dog runs", "a "], lines[..2]);
        var summaryText = File.ReadAllLines(Path.Combine(outDir, DatasetPreparer.SummaryFile));
        Assert.Equal("Loaded: 8 images (train 2, dev 1, test 1, unassigned 4)", summaryText[0]);
        Assert.Equal("Captions: 16 (8 empty)", summaryText[1]);
        Assert.StartsWith("skipped ghost.jpg: ", summaryText[^1]);
    }

    [Fact]
    public void Prepare_ReadsKarpathyJson()
    {
        using var temp = new TempFolder();
        temp.Bytes("img/x.jpg", [1]);
        temp.Bytes("img/y.jpg", [1]);
        var json = temp.File("dataset_flickr8k.json", """
            {"images": [{"filename": "x.jpg", "split": "train", "sentences": [{"raw": "A big dog"}, {"raw": "Dog"}]},
                        {"filename": "y.jpg", "split": "val", "sentences": [{"raw": "A cat"}]}]}
            """);
        var summary = DatasetPreparer.Prepare(Path.Combine(temp.Path, "img"), json, Path.Combine(temp.Path, "out"), new PrepareOptions(KeepSingleLetters: true));
        Assert.Equal((1, 1, 3), (summary.Images[Split.Train], summary.Images[Split.Dev], summary.Captions));
        Assert.Equal(["x a big dog", "x dog", "y a cat"], File.ReadAllLines(Path.Combine(temp.Path, "out", DatasetPreparer.DescriptionsFile)));
        Assert.Equal(["<pad>", "<start>", "<end>", "<unk>", "dog", "a", "big"], Vocabulary.Load(Path.Combine(temp.Path, "out", DatasetPreparer.VocabularyFile)).Words);
    }
}
