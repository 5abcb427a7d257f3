using Captioning.Data;
using Captioning.Inference;
using Captioning.Tests.Data;
using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Workbook;

public class RealPhotosTests
{
    // Words of a synthetic caption model: two shapes, two colours and the rest.
    private static readonly Vocabulary Shapes = Vocabulary.Build([["a", "red", "circle", "on", "a", "white", "background"], ["blue", "square", "above", "a", "red", "star"]]);

    [Fact]
    public void Find_KeepsExistingPhotosInOrderAndListsTheRest()
    {
        using var folder = new TempFolder();
        var b = folder.File("b.JPG", "x");
        var a = folder.File("a.png", "x");
        var notes = folder.File("notes.txt", "x");
        var missing = Path.Combine(folder.Path, "gone.jpg");

        var photos = RealPhotos.Find($" {b} ;{missing};{a};; {notes}");

        Assert.Equal([b, a], photos.Found);
        Assert.Equal([missing, notes], photos.Missing);
        Assert.Equal($"'{missing}' does not exist; realPhotos lists photo files separated by ';'.\n'{notes}' is not a .jpg, .jpeg or .png file; realPhotos lists photo files separated by ';'.",
            photos.MissingNote());
        Assert.Empty(RealPhotos.Find("").Found);
        Assert.Equal("", RealPhotos.Find(a).MissingNote());
    }

    [Fact]
    public void MissingNote_NamesTheDebianPackageOfTheSamplePhoto()
    {
        const string absent = "/usr/share/matplotlib/mpl-data/sample_data/no_such_photo.jpg";
        Assert.Equal($"'{absent}' is missing: matplotlib's sample files come with Debian's python-matplotlib-data package. Install it with environment/setup (or sudo apt-get install python-matplotlib-data), then rerun this cell.",
            RealPhotos.Find(absent).MissingNote());
        Assert.Equal("/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg", RealPhotos.DebianSamplePhoto);
    }

    [Fact]
    public void About_SaysWhichWordsTheModelHasAndWhatTheEncoderSaw()
    {
        var captions = new[] { new PhotoCaption("/p/grace_hopper.jpg", "a red star", -3, 4) };
        Assert.Equal("The caption model learnt its 10 words from descriptions of synthetic scenes: shapes (circle, square, star), colours (red, blue), sizes, counts, positions and backgrounds."
            + " Those are the only words it can use, so whatever it says about a photo is said in them: it calls grace_hopper.jpg 'a red star'."
            + " Its features come from small-cnn, the network notebook 02 trained on the synthetic scenes: it sees the photo shrunk to 48x48 pixels and answers with what it learnt about shapes, so neither the features nor the words know anything of people or photographs.",
            RealPhotos.About(captions, Shapes, syntheticTraining: true, "small-cnn", 48));
        Assert.EndsWith(" Its features come from resnet18-mlnet, a ResNet pretrained on ImageNet photographs, which sees the photo at 224x224 pixels: the features are made for photographs, but the caption model only learnt to turn them into words about shapes.",
            RealPhotos.About(captions, Shapes, syntheticTraining: true, "resnet18-mlnet", 224));
    }

    [Fact]
    public void About_CoversAnEmptyCaptionOtherDataAndNoPhotos()
    {
        var empty = new[] { new PhotoCaption("/p/me.png", "", -0.5, 1) };
        Assert.StartsWith("The caption model learnt its 10 words from the dataset's captions: me.png gets no words at all (the model ended the caption at once). Its features come from vgg16, pretrained on ImageNet photographs, which sees the photo at 224x224 pixels;",
            RealPhotos.About(empty, Shapes, syntheticTraining: false, "vgg16", 224));
        Assert.Equal("No real photograph to caption.", RealPhotos.About([], Shapes, true, "small-cnn", 48));
    }

    [Fact]
    public void Line_GivesNameCaptionAndBothScores()
    {
        Assert.Equal("grace_hopper.jpg  a red star  (-0.75 per word, -3.00 in all)", NewPhotos.Line(new PhotoCaption("/p/grace_hopper.jpg", "a red star", -3, 4)));
    }
}
