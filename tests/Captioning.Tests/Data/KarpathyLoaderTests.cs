using Captioning;
using Captioning.Data;
using Xunit;

namespace Captioning.Tests.Data;

public sealed class KarpathyLoaderTests
{
    private const string Json = """
        {"dataset": "coco", "images": [
          {"filepath": "train2014", "filename": "t.jpg", "split": "train", "sentences": [{"raw": "A cat .", "tokens": ["a", "cat"]}, {"raw": "Two cats"}]},
          {"filepath": "val2014", "filename": "v.jpg", "split": "val", "sentences": [{"raw": "A dog"}]},
          {"filepath": "val2014", "filename": "s.jpg", "split": "test", "sentences": [{"raw": "A bird"}]},
          {"filepath": "val2014", "filename": "r.jpg", "split": "restval", "sentences": [{"raw": "A horse"}]}
        ]}
        """;

    private static string Layout(TempFolder temp, string json = Json)
    {
        foreach (var file in new[] { "train2014/t.jpg", "val2014/v.jpg", "val2014/s.jpg", "val2014/r.jpg" }) temp.Bytes("images/" + file, [1]);
        return temp.File("dataset_coco.json", json);
    }

    [Theory]
    [InlineData(RestvalPolicy.Train, 2, 1, 0)]
    [InlineData(RestvalPolicy.Dev, 1, 2, 0)]
    [InlineData(RestvalPolicy.Exclude, 1, 1, 1)]
    public void Load_MapsValToDevAndRestvalByOption(RestvalPolicy restval, int train, int dev, int skipped)
    {
        using var temp = new TempFolder();
        var dataset = KarpathyLoader.Load(Layout(temp), Path.Combine(temp.Path, "images"), new KarpathyOptions(restval));
        Assert.Equal(train, dataset.InSplit(Split.Train).Count);
        Assert.Equal(dev, dataset.InSplit(Split.Dev).Count);
        Assert.Equal("s", Assert.Single(dataset.InSplit(Split.Test)).Id);
        Assert.Equal(skipped, dataset.Skipped.Count);
        Assert.Equal(["A cat .", "Two cats"], dataset.Find("t")!.Captions);
        Assert.Equal(Path.Combine(temp.Path, "images", "val2014", "v.jpg"), dataset.Find("v")!.Path);
    }

    [Fact]
    public void Load_ThrowsForMalformedJsonNamingFileAndLine()
    {
        using var temp = new TempFolder();
        var path = Layout(temp, "{\"images\": [\n  {\"filename\": \"t.jpg\",,}\n]}");
        var e = Assert.Throws<CaptioningException>(() => KarpathyLoader.Load(path, Path.Combine(temp.Path, "images")));
        Assert.StartsWith($"{path}: not valid JSON at line 2", e.Message);
    }

    [Fact]
    public void Load_ThrowsForUnknownSplitAndMissingFields()
    {
        using var temp = new TempFolder();
        var images = Path.Combine(temp.Path, "images");
        var bad = Layout(temp, """{"images": [{"filename": "t.jpg", "split": "holdout", "sentences": []}]}""");
        Assert.Contains("images[0] ('t.jpg'): unknown split 'holdout'", Assert.Throws<CaptioningException>(() => KarpathyLoader.Load(bad, images)).Message);
        var noName = temp.File("b.json", """{"images": [{"split": "train"}]}""");
        Assert.Contains("images[0]: missing string field \"filename\"", Assert.Throws<CaptioningException>(() => KarpathyLoader.Load(noName, images)).Message);
        var noImage = temp.File("c.json", """{"images": [{"filepath": "train2014", "filename": "zz.jpg", "split": "train", "sentences": []}]}""");
        Assert.Contains("zz.jpg' does not exist", Assert.Throws<CaptioningException>(() => KarpathyLoader.Load(noImage, images)).Message);
        Assert.Single(KarpathyLoader.Load(noImage, images, new KarpathyOptions(SkipMissing: true)).Skipped);
    }
}
