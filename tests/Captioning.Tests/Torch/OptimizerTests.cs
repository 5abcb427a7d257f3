using Captioning.Training;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Torch;

/// <summary>
/// What the trainer relies on: TorchSharp's Adam and gradient clipping against the closed-form rules of torch.optim,
/// our reduce-on-plateau against TorchSharp's (and torch's rule), and Adam's checkpointed state restoring exactly.
/// </summary>
public sealed class OptimizerTests : NativeLeakGuard
{
    private static readonly double[] P0 = [0.5, -1.0, 2.0];
    private static readonly double[] G = [0.1, -0.3, 0.8];

    private static Parameter Param() => new(tensor(P0)); // float64, requires grad

    // Sets the parameter's gradient to G through autograd: d/dp sum(p * G) = G.
    private static void SetGrad(Tensor p)
    {
        using var scope = NewDisposeScope();
        (p * tensor(G)).sum().backward();
    }

    // TorchSharp's zero_grad hands back a new handle per gradient (zero_ returns one); a scope frees them.
    private static void ZeroGrad(optim.Optimizer optimizer)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
    }

    private static double[] Values(Tensor t)
    {
        using var detached = t.detach();
        return detached.data<double>().ToArray();
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 12);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    public void Adam_TwoStepsMatchClosedForm(double weightDecay)
    {
        using var p = Param();
        const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        using var opt = optim.Adam([p], lr, b1, b2, eps, weightDecay);
        var expected = (double[])P0.Clone();
        var m = new double[3];
        var v = new double[3];
        for (var step = 1; step <= 2; step++)
        {
            ZeroGrad(opt);
            SetGrad(p);
            opt.step();
            for (var i = 0; i < 3; i++)
            {
                var g = G[i] + weightDecay * expected[i]; // L2 decay added to the gradient, as torch.optim.Adam does
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                var mHat = m[i] / (1 - Math.Pow(b1, step));
                var vHat = v[i] / (1 - Math.Pow(b2, step));
                expected[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
            AssertClose(expected, Values(p));
        }
    }

    [Fact]
    public void ClipGradNorm_ScalesToMaxNormAndReportsTotal()
    {
        using var p = Param();
        SetGrad(p);
        var norm = Math.Sqrt(0.01 + 0.09 + 0.64);
        Assert.Equal(norm, nn.utils.clip_grad_norm_([p], 0.5), 10);
        using var g = p.grad!;
        AssertClose(G.Select(x => x * 0.5 / (norm + 1e-6)).ToArray(), Values(g));
    }

    [Fact]
    public void PlateauScheduler_LowersAfterPatienceEpochs()
    {
        using var p = Param();
        using var opt = optim.Adam([p], 1.0);
        var plateau = new PlateauScheduler(opt, factor: 0.5, patience: 2);
        Assert.False(plateau.Step(1.0));
        Assert.False(plateau.Step(1.0));
        Assert.False(plateau.Step(0.99995)); // within the 1e-4 relative threshold: not an improvement
        Assert.True(plateau.Step(1.0));
        Assert.Equal(0.5, AdamCheckpoint.LearningRate(opt));
        Assert.False(plateau.Step(0.5));
        Assert.Equal(new PlateauState(0.5, 0, 0), plateau.State);
    }

    [Fact]
    public void PlateauScheduler_GivesTorchSharpsReduceLROnPlateauRates()
    {
        // TorchSharp's scheduler cannot be saved and restored, which is why the trainer has its own: the two must agree.
        double[] losses = [2.0, 1.5, 1.6, 1.55, 1.7, 1.4, 1.45, 1.41, 1.42, 1.43, 1.39999, 1.2, 1.3, 1.3, 1.3];
        using var a = Param();
        using var b = Param();
        using var ours = optim.Adam([a], 0.03);
        using var theirs = optim.Adam([b], 0.03);
        var plateau = new PlateauScheduler(ours, factor: 0.5, patience: 1);
        var reference = optim.lr_scheduler.ReduceLROnPlateau(theirs, factor: 0.5, patience: 1);
        foreach (var loss in losses)
        {
            plateau.Step(loss);
            reference.step(loss);
            Assert.Equal(AdamCheckpoint.LearningRate(theirs), AdamCheckpoint.LearningRate(ours));
        }
        Assert.True(AdamCheckpoint.LearningRate(ours) < 0.03 / 4, "the sequence should lower the rate at least three times");
    }

    [Fact]
    public void StateDict_RestoresAdamExactly()
    {
        using var p1 = Param();
        using var p2 = Param();
        using var a = optim.Adam([p1], 0.01);
        using var b = optim.Adam([p2], 0.01);
        SetGrad(p1);
        a.step();
        using (var scope = NewDisposeScope())
        {
            AdamCheckpoint.LoadStateDict(b, AdamCheckpoint.StateDict(a), AdamCheckpoint.StateMetadata(a));
            using var noGrad = no_grad();
            p2.copy_(p1);
        }
        ZeroGrad(a);
        SetGrad(p1);
        SetGrad(p2);
        a.step();
        b.step();
        Assert.Equal(Values(p1), Values(p2));
        Assert.Equal("2", AdamCheckpoint.StateMetadata(b)["steps"]);
    }

    [Fact]
    public void StateDict_RefusesStateOfAnotherModel()
    {
        using var p = Param();
        using var opt = optim.Adam([p], 0.01);
        var e = Assert.Throws<CaptioningException>(() =>
            AdamCheckpoint.LoadStateDict(opt, new Dictionary<string, Tensor>(), new Dictionary<string, string> { ["parameters"] = "5" }));
        Assert.Equal("optimiser state was saved for 5 parameters but this model has 1", e.Message);
    }
}
