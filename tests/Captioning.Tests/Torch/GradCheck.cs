using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Torch;

/// <summary>
/// Finite-difference gradient check in float64: the analytic gradient of a scalar loss w.r.t.
/// each leaf must match central differences (eps 1e-6) within a relative/absolute tolerance.
/// </summary>
internal static class GradCheck
{
    internal static void Check(Func<Tensor> loss, IReadOnlyList<Tensor> leaves, double tolerance = 1e-5, double eps = 1e-6)
    {
        foreach (var leaf in leaves) Assert.Equal(ScalarType.Float64, leaf.dtype);
        foreach (var leaf in leaves) ClearGrad(leaf);
        using (var scope = NewDisposeScope())
        {
            loss().backward();
        }
        for (var li = 0; li < leaves.Count; li++)
        {
            var leaf = leaves[li];
            var grad = leaf.grad;
            Assert.True(grad is not null, $"leaf {li} received no gradient");
            double[] analytic;
            using (grad) analytic = grad!.data<double>().ToArray();
            double[] values;
            using (var detached = leaf.detach()) values = detached.data<double>().ToArray();
            var shape = leaf.shape;
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
            ClearGrad(leaf);
        }
    }

    // Drops the leaf's gradient, so the next backward pass starts from nothing.
    private static void ClearGrad(Tensor leaf)
    {
        using var grad = leaf.grad;
        if (grad is not null) leaf.grad = null;
    }

    private static double Evaluate(Func<Tensor> loss, Tensor leaf, double[] values, long[] shape, int index, double delta)
    {
        var perturbed = (double[])values.Clone();
        perturbed[index] += delta;
        Restore(leaf, perturbed, shape);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return loss().item<double>();
    }

    private static void Restore(Tensor leaf, double[] values, long[] shape)
    {
        using var source = tensor(values, shape);
        using var noGrad = no_grad();
        leaf.copy_(source);
    }

    /// <summary>A float64 leaf with values from the seeded generator, shifted away from kinks when asked.</summary>
    internal static Tensor Leaf(long[] shape, double scale = 1, double offset = 0)
    {
        using var r = randn(shape, ScalarType.Float64);
        using var scaled = r * scale;
        var t = (scaled + offset).DetachFromDisposeScope();
        t.requires_grad = true;
        return t;
    }

    /// <summary>Reduces any output to a scalar with fixed random weights, so every element's gradient is distinct.</summary>
    internal static Tensor WeightedSum(Tensor output)
    {
        using var weights = tensor(Enumerable.Range(0, (int)output.numel()).Select(i => Math.Sin(i * 1.7 + 0.3)).ToArray(), output.shape);
        using var product = output.to(ScalarType.Float64) * weights;
        return product.sum();
    }
}
