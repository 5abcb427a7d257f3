using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Workbook;

public class FeatureFiguresTests
{
    [Fact]
    public void DominantWord_PicksTheWordMostCaptionsMention()
    {
        string[] captions = ["a red circle", "red circle on white", "a circle on a white background"];
        Assert.Equal("white", FeatureFigures.DominantWord(captions, ["grey", "white", "black"]));
        Assert.Equal("red", FeatureFigures.DominantWord(captions, ["red", "white"])); // 2 vs 2: the earlier word wins
        Assert.Equal("none", FeatureFigures.DominantWord(captions, ["blue"]));
    }

    [Fact]
    public void DominantWord_MatchesWholeCleanedWordsOnly()
    {
        Assert.Equal("none", FeatureFigures.DominantWord(["reddish circles"], ["red", "circle"]));
        Assert.Equal("red", FeatureFigures.DominantWord(["RED, circles!"], ["red"]));
    }

    [Fact]
    public void Words_SplitsOnSpacesDroppingEmptyEntries()
    {
        Assert.Equal(["red", "green"], FeatureFigures.Words("  red   green "));
        Assert.Empty(FeatureFigures.Words("   "));
    }
}
