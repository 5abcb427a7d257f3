using System.Text.Json;
using Captioning.Models;
using Captioning.Weights;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Models;

/// <summary>
/// Our caption models against bench/pytorch_reference.py's PyTorch modules holding the same weights:
/// teacher-forced logits and step-by-step decoding logits, in eval mode.
/// </summary>
[Trait("Category", "Oracle")]
public sealed class CaptionModelOracleTests(CaptionModelOracle oracle) : NativeLeakGuard, IClassFixture<CaptionModelOracle>
{
    // float32 sums of a few dozen terms: PyTorch and we may round differently, by far less than this.
    private const double Tolerance = 1e-5;

    public static TheoryData<string> Variants => new() { "merge-add", "merge-concat", "init-inject", "pre-inject", "par-inject" };

    private CaptionModel LoadModel(string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(oracle.Folder, "variants.json")));
        var v = json.RootElement.GetProperty(name);
        var options = new CaptionModelOptions(CaptionModelOptions.ParseArchitecture(v.GetProperty("architecture").GetString()!),
            v.GetProperty("vocab").GetInt64(), v.GetProperty("features").GetInt64(), v.GetProperty("embed").GetInt64(),
            v.GetProperty("hidden").GetInt64(), v.GetProperty("layers").GetInt32(), Dropout: 0.5, LstmDropout: 0.2,
            Combine: v.GetProperty("combine").GetString() == "concat" ? MergeCombine.Concat : MergeCombine.Add);
        var model = CaptionModelFactory.Create(options);
        using var weights = oracle.Weights(name);
        model.LoadStateDict(weights); // strict: every key of PyTorch's state_dict is one of ours, same shape
        model.eval();
        return model;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Forward_EqualsPyTorchWithTheSameWeights(string name)
    {
        using var model = LoadModel(name);
        using var io = oracle.Io(name);
        using var scope = NewDisposeScope();
        var logits = model.Forward(io["features"], io["ids"]); // (B, T, V)
        ModelOracle.AssertClose(io["forward"], logits, Tolerance, $"{name} teacher-forced logits");
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void StartAndStep_EqualPyTorchsDecodingSteps(string name)
    {
        using var model = LoadModel(name);
        using var io = oracle.Io(name);
        using var scope = NewDisposeScope();
        var ids = io["ids"]; // (B, T)
        var state = model.Start(io["features"]);
        for (var t = 0; t < ids.shape[1]; t++)
        {
            var (logits, next) = model.Step(ids.select(1, t), state); // (B, V)
            state = next;
            ModelOracle.AssertClose(io["steps"].select(1, t), logits, Tolerance, $"{name} step {t} logits");
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void WithoutAutograd_EqualsPyTorch(string name)
    {
        // Decoding and validation run under no_grad, where libtorch's own LSTM goes astray (CaptionModel.RunLstm).
        using var model = LoadModel(name);
        using var io = oracle.Io(name);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        ModelOracle.AssertClose(io["forward"], model.Forward(io["features"], io["ids"]), Tolerance, $"{name} teacher-forced logits without autograd");
        var ids = io["ids"]; // (B, T)
        var state = model.Start(io["features"]);
        for (var t = 0; t < ids.shape[1]; t++)
        {
            var (logits, next) = model.Step(ids.select(1, t), state); // (B, V)
            state = next;
            ModelOracle.AssertClose(io["steps"].select(1, t), logits, Tolerance, $"{name} step {t} logits without autograd");
        }
    }
}
