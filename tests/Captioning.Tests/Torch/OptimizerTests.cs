using Captioning.Torch;
using Captioning.Torch.NN;
using Captioning.Torch.Optim;
using Xunit;

namespace Captioning.Tests.Torch;

/// <summary>One- and two-step updates against the closed-form rules of torch.optim.</summary>
public sealed class OptimizerTests : NativeLeakGuard
{
    private static readonly double[] P0 = [0.5, -1.0, 2.0];
    private static readonly double[] G = [0.1, -0.3, 0.8];

    private static Tensor Param()
    {
        var p = Tensor.From(P0).DetachFromScope();
        p.RequiresGrad = true;
        return p;
    }

    // Sets the parameter's gradient to G through autograd: d/dp sum(p * G) = G.
    private static void SetGrad(Tensor p)
    {
        using var scope = DisposeScope.Enter();
        (p * Tensor.From(G)).Sum().Backward();
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 12);
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.1, false)]
    [InlineData(0.1, true)]
    public void Adam_TwoStepsMatchClosedForm(double weightDecay, bool decoupled)
    {
        using var p = Param();
        const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        using Optimizer opt = decoupled ? new AdamW([p], lr, b1, b2, eps, weightDecay) : new Adam([p], lr, b1, b2, eps, weightDecay);
        var expected = (double[])P0.Clone();
        var m = new double[3];
        var v = new double[3];
        for (var step = 1; step <= 2; step++)
        {
            p.ZeroGrad();
            SetGrad(p);
            opt.Step();
            for (var i = 0; i < 3; i++)
            {
                var g = G[i];
                if (decoupled) expected[i] *= 1 - lr * weightDecay;
                else g += weightDecay * expected[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                var mHat = m[i] / (1 - Math.Pow(b1, step));
                var vHat = v[i] / (1 - Math.Pow(b2, step));
                expected[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
            AssertClose(expected, p.ToArray<double>());
        }
    }

    [Theory]
    [InlineData(0.0, 0.0, false)]
    [InlineData(0.9, 0.0, false)]
    [InlineData(0.9, 0.1, true)]
    public void Sgd_TwoStepsMatchClosedForm(double momentum, double weightDecay, bool nesterov)
    {
        using var p = Param();
        const double lr = 0.1;
        using var opt = new SGD([p], lr, momentum, 0, weightDecay, nesterov);
        var expected = (double[])P0.Clone();
        var buf = new double[3];
        for (var step = 1; step <= 2; step++)
        {
            p.ZeroGrad();
            SetGrad(p);
            opt.Step();
            for (var i = 0; i < 3; i++)
            {
                var g = G[i] + weightDecay * expected[i];
                if (momentum != 0)
                {
                    buf[i] = step == 1 ? g : momentum * buf[i] + g;
                    g = nesterov ? g + momentum * buf[i] : buf[i];
                }
                expected[i] -= lr * g;
            }
            AssertClose(expected, p.ToArray<double>());
        }
    }

    [Fact]
    public void ClipGradNorm_ScalesToMaxNormAndReportsTotal()
    {
        using var p = Param();
        SetGrad(p);
        var norm = Math.Sqrt(0.01 + 0.09 + 0.64);
        Assert.Equal(norm, GradClip.ClipGradNorm([p], 0.5), 10);
        using var g = p.Grad!;
        AssertClose(G.Select(x => x * 0.5 / (norm + 1e-6)).ToArray(), g.ToArray<double>());
    }

    [Fact]
    public void ReduceLROnPlateau_LowersAfterPatienceEpochs()
    {
        using var p = Param();
        using var opt = new Adam([p], 1.0);
        var plateau = new ReduceLROnPlateau(opt, factor: 0.5, patience: 2);
        Assert.False(plateau.Step(1.0));
        Assert.False(plateau.Step(1.0));
        Assert.False(plateau.Step(0.99995)); // within the 1e-4 relative threshold: not an improvement
        Assert.True(plateau.Step(1.0));
        Assert.Equal(0.5, opt.LearningRate);
        Assert.False(plateau.Step(0.5));
        Assert.Equal(new PlateauState(0.5, 0, 0), plateau.State);
    }

    [Fact]
    public void StepLR_DecaysEveryStepSizeEpochs()
    {
        using var p = Param();
        using var opt = new SGD([p], 1.0);
        var s = new StepLR(opt, 2, 0.1);
        s.Step();
        Assert.Equal(1.0, opt.LearningRate);
        s.Step();
        Assert.Equal(0.1, opt.LearningRate, 12);
    }

    [Fact]
    public void StateDict_RestoresAdamExactly()
    {
        using var p1 = Param();
        using var p2 = Param();
        using var a = new Adam([p1], 0.01);
        using var b = new Adam([p2], 0.01);
        SetGrad(p1);
        a.Step();
        b.LoadStateDict(a.StateDict(), a.StateMetadata());
        using (var scope = DisposeScope.Enter()) p2.Copy_(p1);
        p1.ZeroGrad();
        SetGrad(p1);
        SetGrad(p2);
        a.Step();
        b.Step();
        Assert.Equal(p1.ToArray<double>(), p2.ToArray<double>());
        Assert.Equal(2, b.StepCount);
    }
}
