using Captioning.Torch;
using Xunit;

namespace Captioning.Tests.Torch;

public sealed class TensorBasicsTests : NativeLeakGuard
{
    [Fact]
    public void From_RoundTripsValuesAndShape()
    {
        using var t = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(new long[] { 2, 3 }, t.Shape);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(Device.Cpu, t.Device with { Index = -1 });
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray<float>());
    }

    [Fact]
    public void Operators_ComputeWithBroadcasting()
    {
        using var scope = DisposeScope.Enter();
        var a = Tensor.From(new float[] { 1, 2, 3, 4 }, 2, 2);
        var b = Tensor.From(new float[] { 10, 20 }, 2);
        var c = (a + b) * 2 - 1;
        Assert.Equal(new float[] { 21, 43, 25, 47 }, c.ToArray<float>());
        Assert.Equal(10.0, a.Sum().Item());
    }

    [Fact]
    public void IntegerTensor_WithIntegralScalar_StaysInteger()
    {
        using var scope = DisposeScope.Enter();
        var ids = Tensor.From(new long[] { 1, 2, 3 });
        var shifted = ids + 1;
        Assert.Equal(DType.Int64, shifted.DType);
        Assert.Equal(new long[] { 2, 3, 4 }, shifted.ToArray<long>());
        Assert.Equal(DType.Float32, (ids * 0.5).DType);
        ids.Add_(2).Mul_(3);
        Assert.Equal(new long[] { 9, 12, 15 }, ids.ToArray<long>());
    }
}
