using Captioning;
using Captioning.Data;
using Xunit;

namespace Captioning.Tests.Data;

public sealed class Flickr8kLoaderTests
{
    [Fact]
    public void Load_ReadsCaptionsSplitsAndPaths()
    {
        using var temp = new TempFolder();
        var dataset = Flickr8kLoader.Load(temp.Flickr8k());
        Assert.Equal(8, dataset.Images.Count);
        Assert.Equal(16, dataset.CaptionCount);
        Assert.Equal(6, dataset.InSplit(Split.Train).Count);
        Assert.Equal("g", Assert.Single(dataset.InSplit(Split.Dev)).Id);
        var h = dataset.Find("h")!;
        Assert.Equal(Split.Test, h.Split);
        Assert.Equal(["A dog runs on the grass .", "The h-dog jumps 2 times"], h.Captions);
        Assert.Equal(Path.Combine(temp.Path, "Flickr8k_Dataset", "h.jpg"), h.Path);
    }

    [Fact]
    public void Load_AcceptsCrlfBomEmptyCaptionsAndOrdersByNumber()
    {
        using var temp = new TempFolder();
        var tokens = string.Concat("abcdefgh".Select(c => $"{c}.jpg#1\tsecond\r\n{c}.jpg#0\t\r\n"));
        temp.Flickr8k(tokens);
        temp.File("Flickr8k_text/Flickr8k.token.txt", tokens, bom: true);
        temp.File("Flickr8k_text/Flickr_8k.trainImages.txt", "a.jpg\r\nb.jpg\r\nc.jpg\r\nd.jpg\r\ne.jpg\r\nf.jpg\r\n", bom: true);
        var dataset = Flickr8kLoader.Load(temp.Path);
        Assert.Equal(["", "second"], dataset.Find("a")!.Captions);
        Assert.Equal(8, dataset.EmptyCaptionCount);
        Assert.Equal(6, dataset.InSplit(Split.Train).Count);
    }

    [Fact]
    public void Load_ThrowsForMissingFolder()
    {
        var e = Assert.Throws<CaptioningException>(() => Flickr8kLoader.Load("/nonexistent/flickr8k"));
        Assert.Contains("'/nonexistent/flickr8k' does not exist", e.Message);
    }

    [Fact]
    public void Load_ThrowsForMissingCaptionFile()
    {
        using var temp = new TempFolder();
        temp.Flickr8k();
        File.Delete(Path.Combine(temp.Path, "Flickr8k_text", "Flickr8k.token.txt"));
        var e = Assert.Throws<CaptioningException>(() => Flickr8kLoader.Load(temp.Path));
        Assert.Contains("Flickr8k.token.txt' does not exist", e.Message);
    }

    [Fact]
    public void Load_ThrowsForMissingSplitFile()
    {
        using var temp = new TempFolder();
        temp.Flickr8k();
        File.Delete(Path.Combine(temp.Path, "Flickr8k_text", "Flickr_8k.devImages.txt"));
        var e = Assert.Throws<CaptioningException>(() => Flickr8kLoader.Load(temp.Path));
        Assert.Contains("split file", e.Message);
        Assert.Contains("Flickr_8k.devImages.txt' does not exist", e.Message);
    }

    [Fact]
    public void Load_ThrowsForMissingImageFolder()
    {
        using var temp = new TempFolder();
        temp.Flickr8k();
        Directory.Delete(Path.Combine(temp.Path, "Flickr8k_Dataset"), recursive: true);
        var e = Assert.Throws<CaptioningException>(() => Flickr8kLoader.Load(temp.Path));
        Assert.Contains("has no Flickr8k_Dataset/ folder", e.Message);
    }

    [Fact]
    public void Load_ThrowsForLineWithoutTab()
    {
        using var temp = new TempFolder();
        temp.Flickr8k("a.jpg#0\tfine\na.jpg#1 no tab here\n");
        var e = Assert.Throws<CaptioningException>(() => Flickr8kLoader.Load(temp.Path));
        Assert.Equal($"{Path.Combine(temp.Path, "Flickr8k_text", "Flickr8k.token.txt")}:2: no tab; expected '<file>.jpg#<k><TAB><caption>'", e.Message);
    }

    [Theory]
    [InlineData("a.jpg\tno number")]
    [InlineData("a.jpg#x\tbad number")]
    [InlineData("a.jpg#-1\tnegative")]
    public void Load_ThrowsForKeyWithoutCaptionNumber(string line)
    {
        using var temp = new TempFolder();
        temp.Flickr8k("a.jpg#0\tfine\n\n" + line + "\n");
        var e = Assert.Throws<CaptioningException>(() => Flickr8kLoader.Load(temp.Path));
        Assert.Contains("Flickr8k.token.txt:3: key", e.Message);
        Assert.Contains("lacks '#<k>'", e.Message);
    }

    [Fact]
    public void Load_ThrowsForDuplicateKeyNamingBothLines()
    {
        using var temp = new TempFolder();
        temp.Flickr8k("a.jpg#0\tone\nb.jpg#0\ttwo\na.jpg#0\tthree\n");
        var e = Assert.Throws<CaptioningException>(() => Flickr8kLoader.Load(temp.Path));
        Assert.Contains("Flickr8k.token.txt:3: duplicate caption key 'a.jpg#0' (first at line 1)", e.Message);
    }

    [Fact]
    public void Load_ThrowsForSplitImageWithoutCaptions()
    {
        using var temp = new TempFolder();
        temp.Flickr8k(train: "a.jpg\nb.jpg\nghost.jpg\n");
        var e = Assert.Throws<CaptioningException>(() => Flickr8kLoader.Load(temp.Path));
        Assert.Contains("Flickr_8k.trainImages.txt:3: image 'ghost.jpg' has no captions", e.Message);
        Assert.Contains("--skip-missing", e.Message);
    }

    [Fact]
    public void Load_SkipsAndCountsMissingImagesWhenAsked()
    {
        using var temp = new TempFolder();
        temp.Flickr8k(train: "a.jpg\nb.jpg\nghost.jpg\nc.jpg\n");
        File.Delete(Path.Combine(temp.Path, "Flickr8k_Dataset", "c.jpg"));
        var dataset = Flickr8kLoader.Load(temp.Path, new Flickr8kOptions(SkipMissing: true));
        Assert.Equal(["ghost.jpg", "c.jpg"], dataset.Skipped.Select(s => s.Name));
        Assert.Contains("no captions", dataset.Skipped[0].Reason);
        Assert.Contains("no image file", dataset.Skipped[1].Reason);
        Assert.Equal(["a", "b"], dataset.InSplit(Split.Train).Select(i => i.Id));
        Assert.Null(dataset.Find("c"));
        // d, e, f have captions but no split entry: kept and marked unassigned, not dropped.
        Assert.Equal(["d", "e", "f"], dataset.InSplit(Split.Unassigned).Select(i => i.Id));
    }

    [Fact]
    public void Load_ThrowsForImageListedInTwoSplits()
    {
        using var temp = new TempFolder();
        temp.Flickr8k(train: "a.jpg\ng.jpg\n");
        var e = Assert.Throws<CaptioningException>(() => Flickr8kLoader.Load(temp.Path));
        Assert.Contains("Flickr_8k.devImages.txt:1: image 'g.jpg' is already listed at", e.Message);
        Assert.Contains("Flickr_8k.trainImages.txt:2", e.Message);
    }
}
