using Captioning.Data;
using Captioning.Inference;
using Captioning.Tests.Data;
using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Workbook;

public class NewPhotosTests
{
    private static CaptionDataset Dataset(string root) => new(root,
    [
        new CaptionedImage("a", "a.png", Path.Combine(root, "a.png"), Split.Train, ["train caption"]),
        new CaptionedImage("t1", "t1.png", Path.Combine(root, "t1.png"), Split.Test, ["first test"]),
        new CaptionedImage("t2", "t2.png", Path.Combine(root, "t2.png"), Split.Test, ["second test"]),
    ]);

    [Fact]
    public void Pick_ListsImageFilesInNameOrderUpToMax()
    {
        using var folder = new TempFolder();
        foreach (var name in new[] { "c.PNG", "a.jpg", "b.jpeg", "notes.txt", "d.png" }) folder.File(Path.Combine("photos", name), "x");
        var picked = NewPhotos.Pick(Path.Combine(folder.Path, "photos"), Dataset(folder.Path), 3);
        Assert.Equal(["a.jpg", "b.jpeg", "c.PNG"], picked.Select(Path.GetFileName));
    }

    [Fact]
    public void Pick_UsesTestImagesWhenNoFolderIsGiven()
    {
        using var folder = new TempFolder();
        Assert.Equal(["t1.png"], NewPhotos.Pick("", Dataset(folder.Path), 1).Select(Path.GetFileName));
        Assert.Equal(["t1.png", "t2.png"], NewPhotos.Pick(" ", Dataset(folder.Path), 5).Select(Path.GetFileName));
    }

    [Fact]
    public void Pick_ThrowsNamingAMissingOrEmptyFolder()
    {
        using var folder = new TempFolder();
        var missing = Path.Combine(folder.Path, "nope");
        Assert.Contains($"photoFolder '{missing}' does not exist", Assert.Throws<CaptioningException>(() => NewPhotos.Pick(missing, Dataset(folder.Path), 2)).Message);
        folder.File("empty/readme.txt", "x");
        Assert.Contains("holds no .jpg, .jpeg or .png files", Assert.Throws<CaptioningException>(() => NewPhotos.Pick(Path.Combine(folder.Path, "empty"), Dataset(folder.Path), 2)).Message);
        Assert.Contains("photoCount must be at least 1", Assert.Throws<CaptioningException>(() => NewPhotos.Pick("", Dataset(folder.Path), 0)).Message);
    }

    [Fact]
    public void Gallery_ShowsReferencesOnlyForDatasetImages()
    {
        using var folder = new TempFolder();
        var png = ImageCodec.EncodePng(new RawImage(new byte[2 * 2 * 3], 2, 2));
        var inDataset = folder.Bytes("t1.png", png);
        var outside = folder.Bytes("mine.png", png);
        var gallery = NewPhotos.Gallery([new PhotoCaption(inDataset, "red circle", -1.5), new PhotoCaption(outside, "blue square", -2)], Dataset(folder.Path), "g");
        Assert.Equal(["t1.png", "mine.png"], gallery.Items.Select(i => i.ImageId));
        Assert.Equal(["first test"], gallery.Items[0].References);
        Assert.Empty(gallery.Items[1].References);
        Assert.Equal("g\nt1.png: red circle\nmine.png: blue square", gallery.ToString());
    }
}
