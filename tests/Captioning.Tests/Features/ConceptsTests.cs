using Captioning.Data;
using Captioning.Features;
using Xunit;

namespace Captioning.Tests.Features;

public sealed class ConceptsTests
{
    private static CaptionedImage Image(string id, params string[] captions) => new(id, id + ".jpg", "/nowhere/" + id + ".jpg", Split.Train, captions);

    [Fact]
    public void Build_KeepsContentWordsByImageCount()
    {
        var images = new[]
        {
            Image("a", "A red circle in the centre .", "the red circle"),
            Image("b", "a red square on the left"),
            Image("c", "two blue squares", "there is a blue square"),
        };
        var concepts = Concepts.Build(images, CaptionCleaner.Tutorial, minImages: 2, maxConcepts: 10);
        // red: a, b; square: b, c; circle: a only; "the", "in", "on", "there", "is" are function words.
        Assert.Equal(["red", "square"], concepts.Words);
        Assert.Equal([1f, 0f, 1f, 1f, 0f, 1f], concepts.Labels(images, CaptionCleaner.Tutorial));
        var capped = Concepts.Build(images, CaptionCleaner.Tutorial, minImages: 1, maxConcepts: 3);
        Assert.Equal(["red", "square", "blue"], capped.Words);
    }

    [Fact]
    public void Build_ThrowsWhenNoWordIsFrequentEnough()
    {
        var error = Assert.Throws<CaptioningException>(() => Concepts.Build([Image("a", "a dog")], CaptionCleaner.Tutorial, 2, 10));
        Assert.Contains("2 or more training images", error.Message);
    }

    [Fact]
    public void Scores_AreMicroAveraged()
    {
        // 2 images x 3 concepts: TP 2, FP 1, FN 2.
        bool[] predicted = [true, true, false, false, true, false];
        float[] labels = [1, 0, 1, 0, 1, 1];
        var scores = ConceptScores.Count(predicted, labels);
        Assert.Equal(new ConceptScores(2, 1, 2), scores);
        Assert.Equal(2.0 / 3, scores.Precision, 12);
        Assert.Equal(0.5, scores.Recall, 12);
        Assert.Equal(4.0 / 7, scores.F1, 12);
        Assert.Equal("P 0.667 R 0.500 F1 0.571", scores.ToString());
    }

    [Fact]
    public void FrequentPredictions_PickTheTopKThatMaximiseTrainingF1()
    {
        // 4 training images x 3 concepts; positives per concept: 2, 1, 4.
        // k=1 (concept 2): TP 4 FP 0 FN 3 -> F1 8/11; k=2 (+concept 0): TP 6 FP 2 FN 1 -> F1 12/15 (best);
        // k=3: TP 7 FP 5 FN 0 -> F1 14/19.
        float[] train = [1, 0, 1, 1, 1, 1, 0, 0, 1, 0, 0, 1];
        Assert.Equal([true, false, true, true, false, true], ConceptScores.FrequentPredictions(train, 4, 3, 2));
    }
}
