using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Workbook;

public class GroupSeparationTests
{
    [Fact]
    public void Measure_GivesTheHandComputedRatioOfTwoGroups()
    {
        // Means (1, 0) and (11, 0) around (6, 0): between 2*25 + 2*25 = 100; within 4 x 1 = 4; ratio 25.
        double[][] points = [[0, 0], [2, 0], [10, 0], [12, 0]];
        var separation = GroupSeparation.Measure(points, ["a", "a", "b", "b"]);
        Assert.Equal(25.0, separation.Ratio, 12);
        Assert.Equal(25.0 / 26.0, separation.Explained, 12);
        Assert.Equal("separate", separation.Verdict);
        Assert.Equal(("a", "b"), separation.FarthestPair);
        Assert.Equal([("a", 2), ("b", 2)], separation.Groups);
        Assert.Equal("The map separate 'a' (2) and 'b' (2): between-group / within-group variance ratio 25.00, so the words account for 96% of the points' spread on this map.",
            separation.Sentence("The map"));
    }

    [Fact]
    public void Measure_FindsTheFarthestPairOfThreeGroups()
    {
        // Means a (0, 1), b (4, 1), c (0, 11); within 1 per point (6). Pairs: a-b 16/4 = 4, a-c 100/4 = 25, b-c 116/4 = 29.
        // All three around (4/3, 13/3): between 2 * (112 + 164 + 416) / 9 = 1392/9, ratio 1392/54.
        double[][] points = [[0, 0], [0, 2], [4, 0], [4, 2], [0, 10], [0, 12]];
        var separation = GroupSeparation.Measure(points, ["a", "a", "b", "b", "c", "c"]);
        Assert.Equal(1392.0 / 54.0, separation.Ratio, 9);
        Assert.Equal(("b", "c"), separation.FarthestPair);
        Assert.Equal(29.0, separation.FarthestPairRatio, 9);
        Assert.EndsWith("; 'b' and 'c' lie farthest apart (ratio 29.00).", separation.Sentence("It"));
    }

    [Theory]
    [InlineData(0.0, 0.0, "do not separate")]  // both groups have the same mean
    [InlineData(1.0, 0.25, "partly separate")] // means 0.5 and 1.5 around 1: between 4 x 0.25 = 1; every point 1 from its mean: within 4
    public void Measure_NamesOverlappingGroups(double shift, double ratio, string verdict)
    {
        double[][] points = [[-0.5, 0], [1.5, 0], [-0.5 + shift, 0], [1.5 + shift, 0]];
        var separation = GroupSeparation.Measure(points, ["x", "x", "y", "y"]);
        Assert.Equal(ratio, separation.Ratio, 12);
        Assert.Equal(verdict, separation.Verdict);
    }

    [Fact]
    public void Measure_LeavesOutIgnoredLabelsAndNeedsTwoGroups()
    {
        // The far-away "none" point would add spread if it counted.
        double[][] points = [[0, 0], [2, 0], [10, 0], [12, 0], [100, 100]];
        Assert.Equal(25.0, GroupSeparation.Measure(points, ["a", "a", "b", "b", "none"], ["none"]).Ratio, 12);
        Assert.Contains("at least two groups, got only 'a'",
            Assert.Throws<CaptioningException>(() => GroupSeparation.Measure(points, ["a", "a", "none", "none", "none"], ["none"])).Message);
        Assert.Contains("5 points but 4 labels", Assert.Throws<CaptioningException>(() => GroupSeparation.Measure(points, ["a", "a", "b", "b"])).Message);
    }

    [Fact]
    public void VarianceRatio_IsInfiniteForGroupsThatAreSingleSpots()
    {
        Assert.Equal(double.PositiveInfinity, GroupSeparation.VarianceRatio([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]], ["a", "a", "b"]));
        Assert.Equal(0.0, GroupSeparation.VarianceRatio([[1.0, 1.0], [1.0, 1.0]], ["a", "b"]));
    }
}
