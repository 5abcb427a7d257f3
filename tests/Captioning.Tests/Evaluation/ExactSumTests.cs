using Captioning.Evaluation;
using Xunit;

namespace Captioning.Tests.Evaluation;

// Values that Python's math.fsum returns (it rounds the exact sum once).
public sealed class ExactSumTests
{
    [Fact]
    public void Of_TenTenthsIsExactlyOne()
    {
        // Naive left-to-right addition gives 0.9999999999999999; fsum gives 1.0.
        Assert.Equal(1.0, ExactSum.Of(Enumerable.Repeat(0.1, 10).ToArray()));
    }

    [Fact]
    public void Of_KeepsSmallTermsThatCancellationWouldLose()
    {
        // math.fsum([1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50]) == 1e-100.
        Assert.Equal(1e-100, ExactSum.Of([1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50]));
    }

    [Fact]
    public void Of_RoundsHalfWayCasesToEven()
    {
        // math.fsum([1.0, 2**-53, 2**-106]) rounds up past the half-way point: 1.0000000000000002.
        Assert.Equal(1.0000000000000002, ExactSum.Of([1.0, Math.Pow(2, -53), Math.Pow(2, -106)]));
        Assert.Equal(0.0, ExactSum.Of([]));
    }
}
