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
        var gallery = NewPhotos.Gallery([new PhotoCaption(inDataset, "red circle", -1.5, 3), new PhotoCaption(outside, "blue square", -2, 3)], Dataset(folder.Path), "g");
        Assert.Equal(["t1.png", "mine.png"], gallery.Items.Select(i => i.ImageId));
        Assert.Equal(["first test"], gallery.Items[0].References);
        Assert.Empty(gallery.Items[1].References);
        Assert.Equal("g\nt1.png: red circle\nmine.png: blue square", gallery.ToString());
    }

    [Fact]
    public void Ranked_OrdersByLogProbabilityPerStepNotByTotal()
    {
        // The short caption has the higher total (-2 > -3) but the lower mean per step (-1 < -0.6).
        var shortOne = new PhotoCaption("a.png", "red", -2, 2);
        var longOne = new PhotoCaption("b.png", "red circle left of blue square", -3, 5);

        Assert.Equal([longOne, shortOne], NewPhotos.Ranked([shortOne, longOne]));
        Assert.Equal(-0.6, longOne.LogProbabilityPerStep, 12);
    }

    [Fact]
    public void Unseen_DrawsScenesWithAnotherSeedAndKeepsTheirDescriptions()
    {
        using var folder = new TempFolder();
        var folders = new WorkbookFolders(folder.Path);
        var unseen = NewPhotos.Unseen(folders, 3, seed: 7);
        var again = NewPhotos.Unseen(folders, 3, seed: 7);

        Assert.Equal(["synth_00000.jpg", "synth_00001.jpg", "synth_00002.jpg"], unseen.Images.Select(i => i.FileName));
        Assert.All(unseen.Images, i => Assert.Equal(5, i.Captions.Count));
        Assert.All(unseen.Images, i => Assert.StartsWith(Path.Combine(folder.Path, "new-photos", "seed-7"), i.Path, StringComparison.Ordinal));
        Assert.Equal(unseen.Images.Select(i => i.Captions[0]), again.Images.Select(i => i.Captions[0]));
        // Seed 1 draws the workbook's own dataset: its first scene is described differently from seed 7's.
        var own = NewPhotos.Unseen(folders, 1, seed: 1, datasetSeed: 2);
        Assert.NotEqual(own.Images[0].Captions, unseen.Images[0].Captions);
    }

    [Fact]
    public void Unseen_RefusesTheDatasetsOwnSeed()
    {
        using var folder = new TempFolder();
        var error = Assert.Throws<CaptioningException>(() => NewPhotos.Unseen(new WorkbookFolders(folder.Path), 4, seed: 1));

        Assert.Equal("newPhotoSeed 1 draws the workbook's own dataset (seed 1); choose another seed for scenes no model has seen", error.Message);
    }
}
