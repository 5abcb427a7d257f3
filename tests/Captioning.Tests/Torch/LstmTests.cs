using Captioning.Tests.Models;
using Captioning.Torch;
using Captioning.Torch.NN;
using Xunit;

namespace Captioning.Tests.Torch;

/// <summary>
/// The fused LSTM against PyTorch's nn.LSTM and nn.LSTMCell holding the same weights (an oracle that
/// fixes the gate order and weight layout independently of us), step-by-step cells, a hand-written
/// gate formula, and stacked single layers.
/// </summary>
public sealed class LstmTests(LstmOracle oracle) : NativeLeakGuard, IClassFixture<LstmOracle>
{
    private static void AssertClose(float[] expected, float[] actual, double tolerance = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: {expected[i]} vs {actual[i]}");
    }

    // PyTorch's LSTM has been run on the same float32 weights and inputs; only rounding may differ.
    private const double OracleTolerance = 1e-5;

    private LSTM LoadLstm(string name, int layers)
    {
        var lstm = new LSTM(3, 4, numLayers: layers, batchFirst: true);
        using var weights = oracle.Weights(name);
        lstm.LoadStateDict(weights);
        lstm.Eval();
        return lstm;
    }

    [Theory]
    [InlineData("lstm1", 1)]
    [InlineData("lstm2", 2)]
    public void FullSequence_EqualsPyTorchsLstm(string name, int layers)
    {
        using var lstm = LoadLstm(name, layers);
        using var io = oracle.Io(name);
        using var scope = DisposeScope.Enter();
        var (output, state) = lstm.Forward(io["x"], new LstmState(io["h0"].Alias(), io["c0"].Alias())); // (B, T, H), (L, B, H)
        ModelOracle.AssertClose(io["output"], output, OracleTolerance, $"{name} output");
        ModelOracle.AssertClose(io["hn"], state.H, OracleTolerance, $"{name} h_n");
        ModelOracle.AssertClose(io["cn"], state.C, OracleTolerance, $"{name} c_n");
    }

    [Theory]
    [InlineData("lstm1", 1)]
    [InlineData("lstm2", 2)]
    public void Step_EqualsPyTorchsLstmAtEveryStep(string name, int layers)
    {
        // The decoders' path: one token at a time through LSTM.Step with the carried state.
        using var lstm = LoadLstm(name, layers);
        using var io = oracle.Io(name);
        using var scope = DisposeScope.Enter();
        var x = io["x"]; // (B, T, F)
        var state = new LstmState(io["h0"].Alias(), io["c0"].Alias());
        for (var t = 0; t < x.Size(1); t++)
        {
            var (output, next) = lstm.Step(x.Select(1, t), state); // (B, H)
            state = next;
            ModelOracle.AssertClose(io["output"].Select(1, t), output, OracleTolerance, $"{name} step {t}");
        }
        ModelOracle.AssertClose(io["hn"], state.H, OracleTolerance, $"{name} h_n");
        ModelOracle.AssertClose(io["cn"], state.C, OracleTolerance, $"{name} c_n");
    }

    [Fact]
    public void Cell_EqualsPyTorchsLstmCell()
    {
        using var cell = new LSTMCell(3, 4);
        using (var weights = oracle.Weights("cell")) cell.LoadStateDict(weights);
        using var io = oracle.Io("cell");
        using var scope = DisposeScope.Enter();
        var (h, c) = cell.Forward(io["x"], io["h0"], io["c0"]); // (B, H) x2
        ModelOracle.AssertClose(io["h1"], h, OracleTolerance, "cell h");
        ModelOracle.AssertClose(io["c1"], c, OracleTolerance, "cell c");
    }

    [Fact]
    public void FullSequence_EqualsStepByStepCellAndGateFormula()
    {
        using var lstm = new LSTM(3, 4);
        using var cell = new LSTMCell(3, 4);
        cell.LoadStateDict(lstm.StateDict().ToDictionary(kv => kv.Key.Replace("_l0", ""), kv => kv.Value));
        using var scope = DisposeScope.Enter();
        var x = Tensor.Randn([2, 5, 3]); // (B, T, F)
        var (output, state) = lstm.Forward(x);

        var h = Tensor.Zeros([2, 4]);
        var c = Tensor.Zeros([2, 4]);
        var hm = Tensor.Zeros([2, 4]);
        var cm = Tensor.Zeros([2, 4]);
        var sd = lstm.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        for (var t = 0; t < 5; t++)
        {
            var xt = x.Select(1, t); // (B, F)
            (h, c) = cell.Forward(xt, h, c);
            AssertClose(output.Select(1, t).ToArray<float>(), h.ToArray<float>());

            // The gate formula: i, f, g, o = chunks of W_ih x + b_ih + W_hh h + b_hh.
            var gates = xt.MatMul(sd["weight_ih_l0"].Transpose(0, 1)) + sd["bias_ih_l0"] + hm.MatMul(sd["weight_hh_l0"].Transpose(0, 1)) + sd["bias_hh_l0"];
            var i = gates.Narrow(1, 0, 4).Sigmoid();
            var f = gates.Narrow(1, 4, 4).Sigmoid();
            var g = gates.Narrow(1, 8, 4).Tanh();
            var o = gates.Narrow(1, 12, 4).Sigmoid();
            cm = f * cm + i * g;
            hm = o * cm.Tanh();
            AssertClose(h.ToArray<float>(), hm.ToArray<float>());
        }
        AssertClose(state.H.Squeeze(0).ToArray<float>(), h.ToArray<float>());
        AssertClose(state.C.Squeeze(0).ToArray<float>(), c.ToArray<float>());
    }

    [Fact]
    public void Step_ContinuesTheSequenceExactly()
    {
        using var lstm = new LSTM(3, 4, numLayers: 2);
        lstm.Eval();
        using var scope = DisposeScope.Enter();
        var x = Tensor.Randn([2, 4, 3]);
        var (full, _) = lstm.Forward(x);
        var state = lstm.ZeroState(2);
        for (var t = 0; t < 4; t++)
        {
            var (o, next) = lstm.Step(x.Select(1, t), state);
            state = next;
            AssertClose(full.Select(1, t).ToArray<float>(), o.ToArray<float>());
        }
    }

    [Fact]
    public void MultiLayer_EqualsStackedSingleLayers()
    {
        using var deep = new LSTM(3, 4, numLayers: 3);
        var single = Enumerable.Range(0, 3).Select(l => new LSTM(l == 0 ? 3 : 4, 4)).ToList();
        try
        {
            var sd = deep.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
            for (var l = 0; l < 3; l++)
                single[l].LoadStateDict(single[l].StateDict().ToDictionary(kv => kv.Key, kv => sd[kv.Key.Replace("_l0", $"_l{l}")]));
            using var scope = DisposeScope.Enter();
            var x = Tensor.Randn([2, 5, 3]);
            var (expected, deepState) = deep.Forward(x);
            var y = x;
            var hs = new List<Tensor>();
            foreach (var layer in single)
            {
                var (o, s) = layer.Forward(y);
                hs.Add(s.H);
                y = o;
            }
            AssertClose(expected.ToArray<float>(), y.ToArray<float>());
            AssertClose(deepState.H.ToArray<float>(), Tensor.Cat(hs, 0).ToArray<float>());
        }
        finally
        {
            single.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void InterLayerDropout_AppliesOnlyInTraining()
    {
        using var lstm = new LSTM(3, 4, numLayers: 2, dropout: 0.5);
        using var scope = DisposeScope.Enter();
        var x = Tensor.Randn([2, 5, 3]);
        TorchRuntime.ManualSeed(1);
        var a = lstm.Forward(x).Output.ToArray<float>();
        TorchRuntime.ManualSeed(2);
        var b = lstm.Forward(x).Output.ToArray<float>();
        Assert.NotEqual(a, b);
        lstm.Eval();
        TorchRuntime.ManualSeed(1);
        var c = lstm.Forward(x).Output.ToArray<float>();
        TorchRuntime.ManualSeed(2);
        Assert.Equal(c, lstm.Forward(x).Output.ToArray<float>());
    }
}
