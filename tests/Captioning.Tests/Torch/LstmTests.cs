using Captioning.Tests.Models;
using Captioning.Weights;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Torch;

/// <summary>
/// TorchSharp's fused nn.LSTM, as the caption models use it, against PyTorch's nn.LSTM and nn.LSTMCell holding the
/// same weights (an oracle that fixes the gate order and weight layout independently of us), step-by-step cells, a
/// hand-written gate formula, and stacked single layers.
/// </summary>
public sealed class LstmTests(LstmOracle oracle) : NativeLeakGuard, IClassFixture<LstmOracle>
{
    private static void AssertClose(Tensor expected, Tensor actual, double tolerance = 1e-5)
    {
        var e = expected.detach().data<float>().ToArray();
        var a = actual.detach().data<float>().ToArray();
        Assert.Equal(e.Length, a.Length);
        for (var i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= tolerance, $"element {i}: {e[i]} vs {a[i]}");
    }

    // PyTorch's LSTM has been run on the same float32 weights and inputs; only rounding may differ.
    private const double OracleTolerance = 1e-5;

    private LSTM LoadLstm(string name, int layers)
    {
        var lstm = nn.LSTM(3, 4, numLayers: layers, batchFirst: true);
        using var weights = oracle.Weights(name);
        lstm.LoadStateDict(weights);
        lstm.eval();
        return lstm;
    }

    // One step as the caption models' decoding takes it: input (B, F) as a one-step sequence with the carried state.
    private static (Tensor Output, Tensor H, Tensor C) Step(LSTM lstm, Tensor input, Tensor h, Tensor c)
    {
        var (output, hn, cn) = lstm.call(input.unsqueeze(1), (h, c)); // (B, 1, H), (L, B, H) x2
        return (output.squeeze(1), hn, cn);
    }

    [Theory]
    [InlineData("lstm1", 1)]
    [InlineData("lstm2", 2)]
    public void FullSequence_EqualsPyTorchsLstm(string name, int layers)
    {
        using var lstm = LoadLstm(name, layers);
        using var io = oracle.Io(name);
        using var scope = NewDisposeScope();
        var (output, hn, cn) = lstm.call(io["x"], (io["h0"], io["c0"])); // (B, T, H), (L, B, H) x2
        ModelOracle.AssertClose(io["output"], output, OracleTolerance, $"{name} output");
        ModelOracle.AssertClose(io["hn"], hn, OracleTolerance, $"{name} h_n");
        ModelOracle.AssertClose(io["cn"], cn, OracleTolerance, $"{name} c_n");
    }

    [Theory]
    [InlineData("lstm1", 1)]
    [InlineData("lstm2", 2)]
    public void Step_EqualsPyTorchsLstmAtEveryStep(string name, int layers)
    {
        // The decoders' path: one token at a time through the LSTM with the carried state.
        using var lstm = LoadLstm(name, layers);
        using var io = oracle.Io(name);
        using var scope = NewDisposeScope();
        var x = io["x"]; // (B, T, F)
        var (h, c) = (io["h0"], io["c0"]);
        for (var t = 0; t < x.shape[1]; t++)
        {
            Tensor output;
            (output, h, c) = Step(lstm, x.select(1, t), h, c); // (B, H)
            ModelOracle.AssertClose(io["output"].select(1, t), output, OracleTolerance, $"{name} step {t}");
        }
        ModelOracle.AssertClose(io["hn"], h, OracleTolerance, $"{name} h_n");
        ModelOracle.AssertClose(io["cn"], c, OracleTolerance, $"{name} c_n");
    }

    [Fact]
    public void Cell_EqualsPyTorchsLstmCell()
    {
        using var cell = nn.LSTMCell(3, 4);
        using (var weights = oracle.Weights("cell")) cell.LoadStateDict(weights);
        using var io = oracle.Io("cell");
        using var scope = NewDisposeScope();
        var (h, c) = cell.call(io["x"], (io["h0"], io["c0"])); // (B, H) x2
        ModelOracle.AssertClose(io["h1"], h, OracleTolerance, "cell h");
        ModelOracle.AssertClose(io["c1"], c, OracleTolerance, "cell c");
    }

    [Fact]
    public void FullSequence_EqualsStepByStepCellAndGateFormula()
    {
        using var lstm = nn.LSTM(3, 4, batchFirst: true);
        using var cell = nn.LSTMCell(3, 4);
        cell.LoadStateDict(lstm.state_dict().ToDictionary(kv => kv.Key.Replace("_l0", ""), kv => kv.Value));
        using var scope = NewDisposeScope();
        var x = randn(2, 5, 3); // (B, T, F)
        var (output, hn, cn) = lstm.call(x);

        var h = zeros(2, 4);
        var c = zeros(2, 4);
        var hm = zeros(2, 4);
        var cm = zeros(2, 4);
        var sd = lstm.state_dict();
        for (var t = 0; t < 5; t++)
        {
            var xt = x.select(1, t); // (B, F)
            (h, c) = cell.call(xt, (h, c));
            AssertClose(output.select(1, t), h);

            // The gate formula: i, f, g, o = chunks of W_ih x + b_ih + W_hh h + b_hh.
            var gates = xt.matmul(sd["weight_ih_l0"].t()) + sd["bias_ih_l0"] + hm.matmul(sd["weight_hh_l0"].t()) + sd["bias_hh_l0"];
            var i = gates.narrow(1, 0, 4).sigmoid();
            var f = gates.narrow(1, 4, 4).sigmoid();
            var g = gates.narrow(1, 8, 4).tanh();
            var o = gates.narrow(1, 12, 4).sigmoid();
            cm = f * cm + i * g;
            hm = o * cm.tanh();
            AssertClose(h, hm);
        }
        AssertClose(hn.squeeze(0), h);
        AssertClose(cn.squeeze(0), c);
    }

    [Fact]
    public void Step_ContinuesTheSequenceExactly()
    {
        using var lstm = nn.LSTM(3, 4, numLayers: 2, batchFirst: true);
        lstm.eval();
        using var scope = NewDisposeScope();
        var x = randn(2, 4, 3);
        var (full, _, _) = lstm.call(x);
        var (h, c) = (zeros(2, 2, 4), zeros(2, 2, 4)); // (L, B, H)
        for (var t = 0; t < 4; t++)
        {
            Tensor o;
            (o, h, c) = Step(lstm, x.select(1, t), h, c);
            AssertClose(full.select(1, t), o);
        }
    }

    [Fact]
    public void MultiLayer_EqualsStackedSingleLayers()
    {
        using var deep = nn.LSTM(3, 4, numLayers: 3, batchFirst: true);
        var single = Enumerable.Range(0, 3).Select(l => nn.LSTM(l == 0 ? 3 : 4, 4, batchFirst: true)).ToList();
        try
        {
            var sd = deep.state_dict();
            for (var l = 0; l < 3; l++)
                single[l].LoadStateDict(single[l].state_dict().ToDictionary(kv => kv.Key, kv => sd[kv.Key.Replace("_l0", $"_l{l}")]));
            using var scope = NewDisposeScope();
            var x = randn(2, 5, 3);
            var (expected, deepH, _) = deep.call(x);
            var y = x;
            var hs = new List<Tensor>();
            foreach (var layer in single)
            {
                var (o, h, _) = layer.call(y);
                hs.Add(h);
                y = o;
            }
            AssertClose(expected, y);
            AssertClose(deepH, cat(hs, 0));
        }
        finally
        {
            single.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void InterLayerDropout_AppliesOnlyInTraining()
    {
        using var lstm = nn.LSTM(3, 4, numLayers: 2, batchFirst: true, dropout: 0.5);
        using var scope = NewDisposeScope();
        var x = randn(2, 5, 3);
        float[] Run(int seed)
        {
            TorchRuntime.ManualSeed(seed);
            return lstm.call(x).Item1.detach().data<float>().ToArray();
        }
        Assert.NotEqual(Run(1), Run(2));
        lstm.eval();
        Assert.Equal(Run(1), Run(2));
    }
}
