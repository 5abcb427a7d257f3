using Captioning.Data;
using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Workbook;

public class DataFiguresTests
{
    private static CaptionDataset Dataset() => new("memory",
    [
        new CaptionedImage("a", "a.jpg", "a.jpg", Split.Train, ["A red circle.", "a red circle on grey"]),
        new CaptionedImage("b", "b.jpg", "b.jpg", Split.Train, ["Two blue squares", "blue squares 2x"]),
        new CaptionedImage("c", "c.jpg", "c.jpg", Split.Test, ["red red red", "x"]),
    ]);

    [Fact]
    public void CaptionLengths_CountsCleanedWordsOfEveryCaption()
    {
        // "a" and "x" are single letters, "2x" contains a digit: all three are dropped by the tutorial's cleaning.
        Assert.Equal([2, 4, 3, 2, 3, 0], DataFigures.CaptionLengths(Dataset()));
    }

    [Fact]
    public void TopWords_CountsTrainingCaptionsOnlyWithTiesInWordOrder()
    {
        Assert.Equal([("blue", 2), ("circle", 2), ("red", 2), ("squares", 2), ("grey", 1)], DataFigures.TopWords(Dataset(), 5));
    }

    [Fact]
    public void TopWords_ThrowsForNonPositiveCount()
    {
        Assert.Contains("top must be at least 1", Assert.Throws<CaptioningException>(() => DataFigures.TopWords(Dataset(), 0)).Message);
    }

    [Fact]
    public void Figures_CarryTheCountedValues()
    {
        var bars = DataFigures.WordFrequencyBars(Dataset(), 2).ToJson();
        Assert.Contains("\"blue\"", bars);
        Assert.Contains("\"circle\"", bars);
        Assert.DoesNotContain("\"red\"", bars);
        Assert.Equal(1, DataFigures.CaptionLengthHistogram(Dataset()).TraceCount);
    }
}
