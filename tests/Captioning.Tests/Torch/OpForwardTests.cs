using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Captioning.Tests.Torch;

/// <summary>
/// Forward values of every op against PyTorch (make_op_oracle.py): OpGradientTests only checks
/// gradients against finite differences of our own forward pass, so a wrong forward would pass it.
/// Each case here must state the same op, dims and scalars as its case in the script.
/// </summary>
[Trait("Category", "Oracle")]
public sealed class OpForwardTests(OpForwardOracle oracle) : NativeLeakGuard, IClassFixture<OpForwardOracle>
{
    /// <summary>Every op OpGradientTests differentiates, then the forward-only ops and variants the models, trainer, decoders, encoders and optimisers use.</summary>
    public static TheoryData<string> Ops
    {
        get
        {
            var ops = new TheoryData<string>();
            // Training-mode dropout masks come from each implementation's own generator, so the oracle
            // compares eval mode; Dropout_TrainingZeroesOrRescalesEachElement checks training mode.
            foreach (var op in Names(OpGradientTests.Ops)) ops.Add(op == "dropout" ? "dropout_eval" : op);
            foreach (var op in ForwardOnly) ops.Add(op);
            return ops;
        }
    }

    private static readonly string[] ForwardOnly =
    [
        "batch_norm_train_running", "linear_no_bias", "log_softmax_3d", "softmax_dim0", "embedding_padding", "sign", "fmod",
        "floor_divide", "compare", "compare_scalar", "logical", "nan_finite", "all_any", "min_all", "argmax", "topk_smallest",
        "topk_flat_beam", "sort_ascending", "to_dtype", "squeeze_all", "inplace_optimiser", "max_pool2d_default_stride",
        "avg_pool2d_include_pad", "interpolate_nearest", "interpolate_align_corners", "cross_entropy_reductions", "bce_pos_weight",
    ];

    [Theory]
    [MemberData(nameof(Ops))]
    public void Op_ForwardMatchesPyTorch(string op)
    {
        using var data = oracle.Load();
        using var scope = NewDisposeScope();
        // Clones, so that in-place cases cannot change what the dictionary holds.
        Tensor In(int i) => data[$"{op}.in{i}"].clone();
        AssertOutputs(data, op, OpForwardCases.Run(op, In));
    }

    [Theory]
    [InlineData("0", 0.0)]
    [InlineData("0p05", 0.05)]
    [InlineData("0p1", 0.1)]
    [InlineData("0p25", 0.25)]
    [InlineData("0p6", 0.6)]
    public void LabelSmoothedCrossEntropy_MatchesPyTorchAsTheTrainerCallsIt(string name, double eps)
    {
        // Logits (B*T, V) = (12, 9) against targets with five pad (0) positions, as Trainer.cs calls it.
        using var data = oracle.Load();
        using var scope = NewDisposeScope();
        var op = $"label_smoothing_{name}";
        var loss = F.cross_entropy(data[$"{op}.in0"], data[$"{op}.in1"], ignore_index: 0, label_smoothing: eps); // ()
        AssertOutputs(data, op, [loss]);
    }

    [Fact]
    public void LabelSmoothedCrossEntropy_SummedOverClassDimensionOneMatchesPyTorch()
    {
        using var data = oracle.Load();
        using var scope = NewDisposeScope();
        const string op = "label_smoothing_sum_3d";
        // Logits (N, C, T) = (2, 6, 4): the class dimension is 1, the sequence dimension last.
        var loss = F.cross_entropy(data[$"{op}.in0"], data[$"{op}.in1"], ignore_index: 0, label_smoothing: 0.2, reduction: nn.Reduction.Sum);
        AssertOutputs(data, op, [loss]);
    }

    [Fact]
    public void LabelSmoothedCrossEntropy_EqualsTheHandDerivedMixture()
    {
        // Two classes with probabilities 3/4 and 1/4 (logits ln 3, 0), target 0, smoothing eps:
        // loss = (1 - eps) * -ln(3/4) + eps * mean over both classes of -ln p = (1 - eps) * 0.2876821 + eps * 0.8369882.
        using var scope = NewDisposeScope();
        var logits = tensor(new[] { Math.Log(3), 0.0 }, 1, 2); // (1, 2)
        var target = tensor(new long[] { 0 }); // (1)
        Assert.Equal(0.2876820725, F.cross_entropy(logits, target, label_smoothing: 0).item<double>(), 1e-9);
        Assert.Equal(0.3975433013, F.cross_entropy(logits, target, label_smoothing: 0.2).item<double>(), 1e-9);
        Assert.Equal(0.8369882168, F.cross_entropy(logits, target, label_smoothing: 1).item<double>(), 1e-9);
    }

    [Fact]
    public void Oracle_ComputesExactlyTheOpsListedHere()
    {
        // The script and the C# cases must stay in step: an op on one side only would go unchecked.
        using var data = oracle.Load();
        var inFile = data.Keys.Select(k => k[..k.IndexOf('.')]).Distinct().Order(StringComparer.Ordinal).ToArray();
        string[] smoothing = ["label_smoothing_0", "label_smoothing_0p05", "label_smoothing_0p1", "label_smoothing_0p25", "label_smoothing_0p6", "label_smoothing_sum_3d"];
        Assert.Equal(inFile, Names(Ops).Concat(smoothing).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Dropout_TrainingZeroesOrRescalesEachElement()
    {
        // No oracle can share libtorch's mask, so check what a mask must satisfy: every element is
        // 0 or x / (1 - p), and about p of them are 0 (2000 draws: 0.3 +- 5 standard deviations).
        using var scope = NewDisposeScope();
        var x = rand(50, 40) + 0.5; // (50, 40), no zeros of its own
        var y = F.dropout(x, 0.3, training: true).data<float>().ToArray();
        var values = x.data<float>().ToArray();
        var zeros = 0;
        for (var i = 0; i < y.Length; i++)
        {
            if (y[i] == 0) { zeros++; continue; }
            Assert.Equal(values[i] / 0.7, y[i], 1e-5);
        }
        Assert.InRange(zeros / 2000.0, 0.25, 0.35);
    }

    private static IEnumerable<string> Names(TheoryData<string> rows) => ((IEnumerable<object[]>)rows).Select(row => (string)row[0]);

    private static void AssertOutputs(IReadOnlyDictionary<string, Tensor> data, string op, Tensor[] outputs)
    {
        var expectedCount = data.Keys.Count(k => k.StartsWith($"{op}.out", StringComparison.Ordinal));
        Assert.True(expectedCount == outputs.Length, $"{op}: {outputs.Length} outputs, PyTorch {expectedCount}");
        for (var i = 0; i < outputs.Length; i++) OpForwardOracle.AssertClose(data[$"{op}.out{i}"], outputs[i], $"{op} output {i}");
    }
}
