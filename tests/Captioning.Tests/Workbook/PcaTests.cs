using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Workbook;

public class PcaTests
{
    [Fact]
    public void Project_FindsAxesOfAHandComputedCross()
    {
        // Mean (1, 1); centred points (±2, 0) and (0, ±1): covariance diag(8/3, 2/3), total variance 10/3.
        var rows = new[] { new[] { 3f, 1f }, new[] { -1f, 1f }, new[] { 1f, 2f }, new[] { 1f, 0f } };
        var pca = Pca.Project(rows);
        Assert.Equal(0.8, pca.ExplainedVariance[0], 12);
        Assert.Equal(0.2, pca.ExplainedVariance[1], 12);
        Assert.Equal([1.0, 0.0], pca.Components[0].Select(v => Math.Round(v, 9)));
        Assert.Equal([0.0, 1.0], pca.Components[1].Select(v => Math.Round(v, 9)));
        Assert.Equal([2.0, -2.0, 0.0, 0.0], pca.Coordinates.Select(c => Math.Round(c[0], 9)));
        Assert.Equal([0.0, 0.0, 1.0, -1.0], pca.Coordinates.Select(c => Math.Round(c[1], 9)));
    }

    [Fact]
    public void Project_OrientsADiagonalLineWithPositiveLargestEntry()
    {
        // Points on y = -x: one direction (1, -1)/sqrt 2 explains everything; the larger-magnitude entry is made positive.
        var rows = new[] { new[] { -1f, 1f }, new[] { 0f, 0f }, new[] { 1f, -1f } };
        var pca = Pca.Project(rows, components: 1);
        Assert.Equal(1.0, pca.ExplainedVariance[0], 12);
        Assert.Equal(Math.Sqrt(0.5), Math.Abs(pca.Components[0][0]), 9);
        Assert.True(pca.Components[0].MaxBy(Math.Abs) > 0);
        Assert.Equal(0.0, pca.Coordinates[1][0], 9);
        Assert.Equal(Math.Sqrt(2), Math.Abs(pca.Coordinates[0][0]), 9);
        Assert.Equal(-pca.Coordinates[0][0], pca.Coordinates[2][0], 9);
    }

    [Fact]
    public void Project_ThrowsForTooFewRowsOrRaggedRows()
    {
        Assert.Contains("at least 2 feature rows", Assert.Throws<CaptioningException>(() => Pca.Project([new[] { 1f }])).Message);
        Assert.Contains("same length", Assert.Throws<CaptioningException>(() => Pca.Project([new[] { 1f }, new[] { 1f, 2f }])).Message);
        Assert.Contains("components must be 1-2", Assert.Throws<CaptioningException>(() => Pca.Project([new[] { 1f, 0f }, new[] { 0f, 1f }], 3)).Message);
    }
}
