using Captioning.Torch;
using Xunit;

namespace Captioning.Tests.Torch;

/// <summary>
/// Finite-difference gradient check in float64: the analytic gradient of a scalar loss w.r.t.
/// each leaf must match central differences (eps 1e-6) within a relative/absolute tolerance.
/// </summary>
internal static class GradCheck
{
    internal static void Check(Func<Tensor> loss, IReadOnlyList<Tensor> leaves, double tolerance = 1e-5, double eps = 1e-6)
    {
        foreach (var leaf in leaves) Assert.Equal(DType.Float64, leaf.DType);
        foreach (var leaf in leaves) leaf.ZeroGrad();
        using (var scope = DisposeScope.Enter())
        {
            loss().Backward();
        }
        for (var li = 0; li < leaves.Count; li++)
        {
            var leaf = leaves[li];
            var grad = leaf.Grad;
            Assert.True(grad != null, $"leaf {li} received no gradient");
            double[] analytic;
            using (grad) analytic = grad!.ToDoubleArray();
            var values = leaf.ToDoubleArray();
            var shape = leaf.Shape;
            for (var j = 0; j < values.Length; j++)
            {
                var plus = Evaluate(loss, leaf, values, shape, j, +eps);
                var minus = Evaluate(loss, leaf, values, shape, j, -eps);
                var numeric = (plus - minus) / (2 * eps);
                var allowed = tolerance * Math.Max(1, Math.Abs(numeric));
                Assert.True(Math.Abs(numeric - analytic[j]) <= allowed,
                    $"leaf {li} element {j}: analytic {analytic[j]:G10}, numeric {numeric:G10}");
            }
            Restore(leaf, values, shape);
            leaf.ZeroGrad();
        }
    }

    private static double Evaluate(Func<Tensor> loss, Tensor leaf, double[] values, long[] shape, int index, double delta)
    {
        var perturbed = (double[])values.Clone();
        perturbed[index] += delta;
        Restore(leaf, perturbed, shape);
        using var scope = DisposeScope.Enter();
        using var noGrad = NoGradScope.Enter();
        return loss().Item();
    }

    private static void Restore(Tensor leaf, double[] values, long[] shape)
    {
        using var source = Tensor.From<double>(values, shape);
        leaf.Copy_(source);
    }

    /// <summary>A float64 leaf with values from the seeded generator, shifted away from kinks when asked.</summary>
    internal static Tensor Leaf(long[] shape, double scale = 1, double offset = 0)
    {
        using var r = Tensor.Randn(shape, DType.Float64);
        using var scaled = r * scale;
        var t = (scaled + offset).DetachFromScope();
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>Reduces any output to a scalar with fixed random weights, so every element's gradient is distinct.</summary>
    internal static Tensor WeightedSum(Tensor output)
    {
        using var weights = Tensor.From(Enumerable.Range(0, (int)output.NumEl).Select(i => Math.Sin(i * 1.7 + 0.3)).ToArray(), output.Shape);
        using var product = output.To(DType.Float64) * weights;
        return product.Sum();
    }
}
