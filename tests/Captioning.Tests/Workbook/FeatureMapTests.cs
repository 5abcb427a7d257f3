using Captioning.Data;
using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Workbook;

public class FeatureMapTests
{
    // Four images on a map: the two "above" scenes sit left, the two "next" ones right; the colours alternate.
    private static FeatureMap Map()
    {
        string[][] captions = [["a red circle above a square"], ["a blue star above a cross"], ["a red circle next to a square"], ["a blue star next to a cross"]];
        var images = captions.Select((c, i) => new CaptionedImage("i" + i, $"i{i}.png", $"/x/i{i}.png", Split.Test, c)).ToList();
        double[][] coordinates = [[-2, 0], [-2, 1], [2, 0], [2, 1]];
        return new FeatureMap("small-cnn", Split.Test, images, new PcaProjection(coordinates, [0.6, 0.2], [[1, 0], [0, 1]]));
    }

    [Fact]
    public void By_LabelsEachImageByItsDominantWord()
    {
        Assert.Equal(["none", "none", "none", "none"], Map().Labels);
        Assert.Equal(["above", "above", "next", "next"], Map().By(["above", "next"]).Labels);
        Assert.Equal(["red", "blue", "red", "blue"], Map().By(["red", "blue"]).Labels);
        Assert.Contains("at least one caption word", Assert.Throws<CaptioningException>(() => Map().By([])).Message);
    }

    [Fact]
    public void Separation_ComputesTheRatioOfTheLabelledPoints()
    {
        // Layout: means (-2, 0.5) and (2, 0.5): between 4 x 4 = 16, within 4 x 0.25 = 1. Colour: means (0, 0) and (0, 1): between 4 x 0.25 = 1, within 4 x 4 = 16.
        Assert.Equal(16.0, Map().By(["above", "next"]).Separation().Ratio, 12);
        Assert.Equal(1.0 / 16.0, Map().By(["red", "blue"]).Separation().Ratio, 12);
    }

    [Fact]
    public void Compare_RanksWordSetsByRatioAndLeavesUnusedSetsEmpty()
    {
        var table = Map().Compare([("colour", "red blue"), ("texture", "speckled plain"), ("layout", "above next")]);
        Assert.Equal(["layout", "colour", "texture"], table.Columns["words of"].Cast<string>());
        Assert.Equal([4, 4, 0], table.Columns["images labelled"].Cast<int>());
        Assert.Equal([16.0, 0.063, null], table.Columns["between/within ratio"].Cast<double?>());
    }

    [Fact]
    public void Colour_BestTakesTheSetWithTheHighestRatio()
    {
        var sets = new[] { ("colour", "red blue"), ("layout", "above next") };
        Assert.Equal(["above", "next"], Map().Colour("best", sets).Words);
        Assert.Equal(["red", "blue"], Map().Colour(" red  blue ", sets).Words);
    }

    [Fact]
    public void Sentence_FollowsTheRatioAndSaysWhenTwoDimensionsCannotTell()
    {
        Assert.Equal("On this map, the first two components separate 'above' (2) and 'next' (2): between-group / within-group variance ratio 16.00, so the words account for 94% of the points' spread on this map.",
            Map().By(["above", "next"]).Sentence());
        Assert.Equal("On this map, the first two components do not separate 'blue' (2) and 'red' (2): between-group / within-group variance ratio 0.06, so the words account for 6% of the points' spread on this map."
            + " The caption model sees every dimension of the features, not only these two, so an overlap here does not prove the features lack the words.",
            Map().By(["red", "blue"]).Sentence());
        Assert.StartsWith("Fewer than two of the words 'red green' label any image here", Map().By(["red", "green"]).Sentence());
    }

    [Fact]
    public void Figure_TitlesTheEncoderAndExplainedVariance()
    {
        Assert.Equal("Figure 'small-cnn features of 4 test images, PCA (explains 60% + 20% of the variance)': scatter 'red', scatter 'none'", Map().By(["red"]).Figure().ToString());
    }
}
