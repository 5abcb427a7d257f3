using Captioning.Torch;
using Captioning.Torch.NN;
using Xunit;

namespace Captioning.Tests.Torch;

public sealed class ModuleTests : NativeLeakGuard
{
    private static void CheckModule(Module module, Func<Tensor> loss, IEnumerable<Tensor>? inputs = null)
    {
        module.To(DType.Float64);
        var leaves = module.Parameters().Concat(inputs ?? []).ToList();
        GradCheck.Check(() => GradCheck.WeightedSum(loss()), leaves);
    }

    [Fact]
    public void Linear_GradientsMatchFiniteDifferences()
    {
        using var m = new Linear(4, 3);
        using var x = GradCheck.Leaf([2, 4]);
        CheckModule(m, () => m.Forward(x), [x]);
    }

    [Fact]
    public void Embedding_GradientsMatchFiniteDifferences()
    {
        using var m = new Embedding(5, 3, paddingIdx: 0);
        using var ids = Tensor.From(new long[] { 1, 4, 4, 2 }, 2, 2);
        CheckModule(m, () => m.Forward(ids));
    }

    [Fact]
    public void Lstm_MultiLayerWithDropout_GradientsMatchFiniteDifferences()
    {
        using var m = new LSTM(3, 4, numLayers: 2, dropout: 0.3);
        using var x = GradCheck.Leaf([2, 3, 3]);
        CheckModule(m, () =>
        {
            TorchRuntime.ManualSeed(5);
            var (output, state) = m.Forward(x);
            return output + state.H.Sum() + state.C.Sum();
        }, [x]);
    }

    [Fact]
    public void LstmCell_GradientsMatchFiniteDifferences()
    {
        using var m = new LSTMCell(3, 2);
        using var x = GradCheck.Leaf([2, 3]);
        using var h = GradCheck.Leaf([2, 2]);
        using var c = GradCheck.Leaf([2, 2]);
        CheckModule(m, () => { var (hy, cy) = m.Forward(x, h, c); return hy * 2 + cy; }, [x, h, c]);
    }

    [Fact]
    public void ConvBatchNormSequential_GradientsMatchFiniteDifferences()
    {
        using var m = new Sequential(new Conv2d(2, 3, 3, padding: 1), new BatchNorm2d(3), new ReLU(), new MaxPool2d(2),
            new AdaptiveAvgPool2d((1, 1)), new Flatten(), new Dropout(0.2), new Linear(3, 2));
        using var x = GradCheck.Leaf([3, 2, 4, 4]);
        CheckModule(m, () => { TorchRuntime.ManualSeed(3); return m.Forward(x); }, [x]);
    }

    [Fact]
    public void StateDict_KeysFollowPyTorchNames()
    {
        using var m = new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2), new Linear(2, 2));
        Assert.Equal(
            ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked", "2.weight", "2.bias"],
            m.StateDict().Select(kv => kv.Key));
        using var lstm = new LSTM(3, 4, numLayers: 2);
        Assert.Equal(
            ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"],
            lstm.StateDict().Select(kv => kv.Key));
        Assert.Equal(new long[] { 16, 3 }, lstm.StateDict()[0].Value.Shape);
        // Layer 0: 16x3 + 16x4 + 2x16 = 144; layer 1: 16x4 + 16x4 + 2x16 = 160.
        Assert.Equal(304, lstm.ParameterCount());
    }

    [Fact]
    public void LoadStateDict_ListsEveryMissingUnexpectedAndMisShapedKey()
    {
        using var m = new Sequential(new Linear(3, 2), new Linear(2, 1));
        using var scope = DisposeScope.Enter();
        var source = new Dictionary<string, Tensor>
        {
            ["0.weight"] = Tensor.Zeros([2, 3]),
            ["0.bias"] = Tensor.Zeros([5]),
            ["1.weight"] = Tensor.Zeros([1, 2]),
            ["extra.weight"] = Tensor.Zeros([1]),
        };
        var e = Assert.Throws<CaptioningException>(() => m.LoadStateDict(source, sourceName: "w.safetensors"));
        Assert.Contains("weights 'w.safetensors'", e.Message);
        Assert.Contains("missing keys (1): 1.bias", e.Message);
        Assert.Contains("unexpected keys (1): extra.weight", e.Message);
        Assert.Contains("0.bias: expected [2], got [5]", e.Message);
        // Nothing was copied: the first layer's weight is not zero.
        Assert.NotEqual(0, m[0].StateDict()[0].Value.Abs().Sum().Item());
    }

    [Fact]
    public void LoadStateDict_CopiesValues()
    {
        using var a = new Linear(3, 2);
        using var b = new Linear(3, 2);
        b.LoadStateDict(a.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value));
        Assert.Equal(a.Weight.ToArray<float>(), b.Weight.ToArray<float>());
        Assert.Equal(a.Bias!.ToArray<float>(), b.Bias!.ToArray<float>());
    }

    [Fact]
    public void BatchNorm_TrainUpdatesRunningStatsAndEvalUsesThem()
    {
        using var bn = new BatchNorm2d(1, momentum: 0.5);
        using var scope = DisposeScope.Enter();
        // One channel holding 1, 2, 3, 4: mean 2.5, unbiased variance 5/3.
        var x = Tensor.From(new float[] { 1, 2, 3, 4 }, 1, 1, 2, 2);
        var y = bn.Forward(x).ToArray<float>();
        var sd = bn.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(1.25f, sd["running_mean"].Item(), 5);
        Assert.Equal(0.5 * 1 + 0.5 * (5.0 / 3), sd["running_var"].Item(), 5);
        Assert.Equal(1L, (long)sd["num_batches_tracked"].Item());
        var std = Math.Sqrt(1.25 + 1e-5);
        Assert.Equal((1 - 2.5) / std, y[0], 4);
        bn.Eval();
        var z = bn.Forward(x).ToArray<float>();
        Assert.Equal((1 - 1.25) / Math.Sqrt(0.5 + 0.5 * 5.0 / 3 + 1e-5), z[0], 4);
    }

    [Fact]
    public void Dropout_IsIdentityInEvalMode()
    {
        using var d = new Dropout(0.5);
        using var scope = DisposeScope.Enter();
        var x = Tensor.Ones([1000]);
        var train = d.Forward(x).ToArray<float>();
        Assert.All(train, v => Assert.True(v == 0 || v == 2));
        Assert.InRange(train.Count(v => v == 0), 400, 600);
        d.Eval();
        Assert.All(d.Forward(x).ToArray<float>(), v => Assert.Equal(1f, v));
    }
}
