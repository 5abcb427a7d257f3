using System.Text;
using Captioning.Evaluation;
using Xunit;

namespace Captioning.Tests.Evaluation;

public sealed class CaptionFilesTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("caption-files-");

    public void Dispose() => _directory.Delete(recursive: true);

    private string Write(string name, string text) => WriteBytes(name, Encoding.UTF8.GetBytes(text));

    private string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void ReadReferences_GroupsFlickrTokenLinesByImage()
    {
        var path = Write("refs.txt", "1000_ab.jpg#0\tA dog runs .\n1000_ab.jpg#1\tThe dog is running\n2000_cd.jpg#0\tA cat\n");
        var refs = CaptionFiles.ReadReferences(path);
        Assert.Equal(["A dog runs .", "The dog is running"], refs["1000_ab"]);
        Assert.Equal(["A cat"], refs["2000_cd"]);
    }

    [Fact]
    public void ReadReferences_AcceptsCrlfAndByteOrderMark()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("1000_ab.jpg#0\tdog runs\r\n1000_ab.jpg#1\tdog sits\r\n")).ToArray();
        var refs = CaptionFiles.ReadReferences(WriteBytes("refs.txt", bytes));
        Assert.Equal(["dog runs", "dog sits"], refs["1000_ab"]);
    }

    [Fact]
    public void ReadReferences_ThrowsForLineWithoutTab()
    {
        var path = Write("refs.txt", "1000_ab.jpg#0\tdog runs\n1000_ab.jpg#1 dog sits\n");
        var error = Assert.Throws<CaptioningException>(() => CaptionFiles.ReadReferences(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("line 2 has no tab", error.Message);
    }

    [Fact]
    public void ReadReferences_ThrowsForEmptyReferenceCaption()
    {
        var path = Write("refs.txt", "1000_ab.jpg#0\tdog runs\n2000_cd.jpg#0\t  \n");
        var error = Assert.Throws<CaptioningException>(() => CaptionFiles.ReadReferences(path));
        Assert.Contains("line 2 has an empty caption for image 2000_cd", error.Message);
    }

    [Fact]
    public void ReadPredictions_ReadsTsvWithEmptyCaptions()
    {
        var path = Write("pred.tsv", "1000_ab.jpg\tdog runs\n2000_cd\t\n");
        var predictions = CaptionFiles.ReadPredictions(path);
        Assert.Equal("dog runs", predictions["1000_ab"]);
        Assert.Equal("", predictions["2000_cd"]);
    }

    [Fact]
    public void ReadPredictions_ReadsCocoResultsJson()
    {
        var path = Write("pred.json", "\uFEFF[{\"image_id\": 391895, \"caption\": \"a man rides\"}, {\"image_id\": \"1000_ab.jpg\", \"caption\": \"\"}]");
        var predictions = CaptionFiles.ReadPredictions(path);
        Assert.Equal("a man rides", predictions["391895"]);
        Assert.Equal("", predictions["1000_ab"]);
    }

    [Fact]
    public void ReadPredictions_ThrowsForEmptyFile()
    {
        var path = Write("pred.tsv", "\n\n");
        var error = Assert.Throws<CaptioningException>(() => CaptionFiles.ReadPredictions(path));
        Assert.Contains($"predictions file {path} contains no predictions", error.Message);
    }

    [Fact]
    public void ReadPredictions_ThrowsForEmptyJsonArray()
    {
        var path = Write("pred.json", "[]");
        Assert.Contains("contains no predictions", Assert.Throws<CaptioningException>(() => CaptionFiles.ReadPredictions(path)).Message);
    }

    [Fact]
    public void ReadPredictions_ThrowsForDuplicatedId()
    {
        var path = Write("pred.tsv", "1000_ab\tdog runs\n2000_cd\tcat\n1000_ab.jpg\tdog sits\n");
        var error = Assert.Throws<CaptioningException>(() => CaptionFiles.ReadPredictions(path));
        Assert.Contains("line 3 repeats image 1000_ab of line 1", error.Message);
    }

    [Fact]
    public void ReadPredictions_ThrowsForDuplicatedJsonId()
    {
        var path = Write("pred.json", "[{\"image_id\": 1, \"caption\": \"a\"}, {\"image_id\": 1, \"caption\": \"b\"}]");
        Assert.Contains("entry 1 repeats image 1 of entry 0", Assert.Throws<CaptioningException>(() => CaptionFiles.ReadPredictions(path)).Message);
    }

    [Fact]
    public void ReadPredictions_ThrowsForLineWithoutTab()
    {
        var path = Write("pred.tsv", "1000_ab\tdog runs\n2000_cd cat sits\n");
        var error = Assert.Throws<CaptioningException>(() => CaptionFiles.ReadPredictions(path));
        Assert.Contains($"predictions file {path}: line 2 has no tab", error.Message);
    }

    [Fact]
    public void ReadPredictions_ThrowsForNonUtf8Bytes()
    {
        // Line 2 holds a Latin-1 "é" (0xE9), which is not valid UTF-8.
        var bytes = Encoding.UTF8.GetBytes("1000_ab\tdog runs\n2000_cd\tcaf").Concat(new byte[] { 0xE9, (byte)'\n' }).ToArray();
        var path = WriteBytes("pred.tsv", bytes);
        var error = Assert.Throws<CaptioningException>(() => CaptionFiles.ReadPredictions(path));
        Assert.Contains($"predictions file {path}: line 2 is not valid UTF-8 at byte 12 (byte 0xE9)", error.Message);
    }

    [Fact]
    public void ReadSplit_ReadsImageFileNames()
    {
        var path = Write("split.txt", "1000_ab.jpg\r\n2000_cd.jpg\r\n");
        Assert.Equal(["1000_ab", "2000_cd"], CaptionFiles.ReadSplit(path));
    }

    [Fact]
    public void Select_ThrowsForPredictionsWithoutReferences()
    {
        var refs = CaptionFiles.ReadReferences(Write("refs.txt", "1000_ab.jpg#0\tdog runs\n"));
        var predictions = CaptionFiles.ReadPredictions(Write("pred.tsv", "1000_ab\tdog\n9999_zz\tcat\n"));
        var error = Assert.Throws<CaptioningException>(() => ScoringSet.Select(refs, predictions, null, "refs.txt", "pred.tsv"));
        Assert.Contains("predictions file pred.tsv has 1 image(s) with no reference caption in refs.txt: 9999_zz", error.Message);
    }

    [Fact]
    public void Select_ThrowsForSplitImageWithoutReferenceCaption()
    {
        var refs = CaptionFiles.ReadReferences(Write("refs.txt", "1000_ab.jpg#0\tdog runs\n"));
        var predictions = CaptionFiles.ReadPredictions(Write("pred.tsv", "1000_ab\tdog\n3000_ef\tcat\n"));
        var split = CaptionFiles.ReadSplit(Write("split.txt", "1000_ab.jpg\n3000_ef.jpg\n"));
        var error = Assert.Throws<CaptioningException>(() => ScoringSet.Select(refs, predictions, split, "refs.txt", "pred.tsv", "split.txt"));
        Assert.Contains("split file split.txt lists 1 image(s) with no reference caption in refs.txt: 3000_ef", error.Message);
    }

    [Fact]
    public void Select_ThrowsForSplitImageWithoutPrediction()
    {
        var refs = CaptionFiles.ReadReferences(Write("refs.txt", "1000_ab.jpg#0\tdog runs\n2000_cd.jpg#0\tcat\n"));
        var predictions = CaptionFiles.ReadPredictions(Write("pred.tsv", "1000_ab\tdog\n"));
        var split = CaptionFiles.ReadSplit(Write("split.txt", "1000_ab.jpg\n2000_cd.jpg\n"));
        var error = Assert.Throws<CaptioningException>(() => ScoringSet.Select(refs, predictions, split, "refs.txt", "pred.tsv", "split.txt"));
        Assert.Contains("has no caption for 1 image(s) of split split.txt: 2000_cd", error.Message);
    }

    [Fact]
    public void Select_ReportsPredictionsOutsideTheSplit()
    {
        var refs = CaptionFiles.ReadReferences(Write("refs.txt", "1000_ab.jpg#0\tdog runs\n2000_cd.jpg#0\tcat\n"));
        var predictions = CaptionFiles.ReadPredictions(Write("pred.tsv", "1000_ab\tdog\n2000_cd\tcat\n"));
        var set = ScoringSet.Select(refs, predictions, ["1000_ab"], "refs.txt", "pred.tsv", "split.txt");
        Assert.Equal(["1000_ab"], set.Predictions.Keys);
        Assert.Equal(["2000_cd"], set.OutsideSplit);
    }
}
