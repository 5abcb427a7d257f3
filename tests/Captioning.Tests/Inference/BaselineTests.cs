using Captioning.Inference;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Inference;

public sealed class BaselineTests : NativeLeakGuard
{
    [Fact]
    public void MostFrequent_PicksTheCommonestCaptionWithAlphabeticalTies()
    {
        Assert.Equal("dog runs", Baselines.MostFrequentCaption(["cat sits", "dog runs", "dog runs", "cat sits", "dog runs", "", "", ""]));
        // Empty captions never win, and a tie goes to the alphabetically first caption.
        Assert.Equal("cat sits", Baselines.MostFrequentCaption(["dog runs", "cat sits", "dog runs", "cat sits", "", "", ""]));
        Assert.Throws<CaptioningException>(() => Baselines.MostFrequentCaption(["", ""]));
    }

    [Fact]
    public void NearestNeighbour_RetrievesTheConsensusCaptionOfTheClosestImages()
    {
        using var scope = NewDisposeScope();
        var train = tensor(new float[] { 1, 0, 0.9f, 0.1f, 0, 1 }, 3, 2);
        var captions = new IReadOnlyList<string>[]
        {
            ["red circle on grey", "a red circle"],
            ["red circle on grey background", "blue square"],
            ["green star", "green star on white"],
        };
        var query = tensor(new float[] { 2, 0.1f, 0.1f, 3 }, 2, 2);
        var result = Baselines.NearestNeighbour(query, train, captions, k: 2);
        // Query 0's neighbours are images 0 and 1: "red circle on grey" overlaps most with the other three.
        Assert.Equal("red circle on grey", result[0]);
        // Query 1's nearest are images 2 and 1; "green star on white" agrees best with the pool.
        Assert.Equal("green star on white", result[1]);
    }
}
