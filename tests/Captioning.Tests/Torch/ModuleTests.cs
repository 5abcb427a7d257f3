using Captioning.Models;
using Captioning.Tests.Models;
using Captioning.Weights;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Torch;

/// <summary>
/// What the caption models rely on from TorchSharp's modules: gradients of the layers they are built from, state-dict
/// keys equal to PyTorch's (checkpoints and the PyTorch oracle load by name), parameter counts, strict loading that
/// names every key that does not fit, and dropout that is active in training mode only.
/// </summary>
public sealed class ModuleTests : NativeLeakGuard
{
    private static void CheckModule(nn.Module module, Func<Tensor> loss, IEnumerable<Tensor>? inputs = null)
    {
        module.to(ScalarType.Float64);
        var leaves = module.parameters().Cast<Tensor>().Concat(inputs ?? []).ToList();
        GradCheck.Check(() => GradCheck.WeightedSum(loss()), leaves);
    }

    [Fact]
    public void Linear_GradientsMatchFiniteDifferences()
    {
        using var m = nn.Linear(4, 3);
        using var x = GradCheck.Leaf([2, 4]);
        CheckModule(m, () => m.call(x), [x]);
    }

    [Fact]
    public void Embedding_GradientsMatchFiniteDifferences()
    {
        using var m = nn.Embedding(5, 3, padding_idx: 0);
        using var ids = tensor(new long[] { 1, 4, 4, 2 }, 2, 2);
        CheckModule(m, () => m.call(ids));
    }

    [Fact]
    public void Lstm_MultiLayerWithDropout_GradientsMatchFiniteDifferences()
    {
        using var m = nn.LSTM(3, 4, numLayers: 2, batchFirst: true, dropout: 0.3);
        using var x = GradCheck.Leaf([2, 3, 3]);
        CheckModule(m, () =>
        {
            TorchRuntime.ManualSeed(5); // the same inter-layer dropout mask in every evaluation
            var (output, h, c) = m.call(x);
            return output + h.sum() + c.sum();
        }, [x]);
    }

    [Fact]
    public void StateDict_KeysFollowPyTorchNames()
    {
        using var lstm = nn.LSTM(3, 4, numLayers: 2);
        Assert.Equal(
            ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"],
            lstm.state_dict().Keys);
        Assert.Equal(new long[] { 16, 3 }, lstm.state_dict()["weight_ih_l0"].shape);
        // Layer 0: 16x3 + 16x4 + 2x16 = 144; layer 1: 16x4 + 16x4 + 2x16 = 160.
        Assert.Equal(304, lstm.parameters().Sum(p => p.numel()));
    }

    public static TheoryData<string, int, string[]> ModelKeys => new()
    {
        { "merge", 1, ["embed.weight", "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0",
            "image.weight", "image.bias", "decoder.weight", "decoder.bias", "output.weight", "output.bias"] },
        { "init-inject", 2, ["embed.weight", "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0",
            "lstm.weight_ih_l1", "lstm.weight_hh_l1", "lstm.bias_ih_l1", "lstm.bias_hh_l1",
            "image.weight", "image.bias", "image_cell.weight", "image_cell.bias", "output.weight", "output.bias"] },
        { "pre-inject", 1, ["embed.weight", "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0",
            "image.weight", "image.bias", "output.weight", "output.bias"] },
        { "par-inject", 1, ["embed.weight", "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0",
            "image.weight", "image.bias", "output.weight", "output.bias"] },
    };

    [Theory]
    [MemberData(nameof(ModelKeys))]
    public void CaptionModels_StateDictKeysArePyTorchsInPyTorchsOrder(string name, int layers, string[] keys)
    {
        using var model = CaptionModelTests.Small(name, layers);
        Assert.Equal(keys, model.state_dict().Keys);
        // par-inject's LSTM reads the word and the image vector side by side: 2 x 6 inputs.
        Assert.Equal(new long[] { 32, name == "par-inject" ? 12 : 6 }, model.state_dict()["lstm.weight_ih_l0"].shape);
    }

    [Fact]
    public void LoadStateDict_ListsEveryMissingUnexpectedAndMisShapedKey()
    {
        using var m = CaptionModelTests.Small("pre-inject");
        using var scope = NewDisposeScope();
        var source = m.state_dict().Where(kv => kv.Key != "output.bias").ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        source["image.bias"] = zeros(5);
        source["extra.weight"] = zeros(1);
        using (no_grad()) source["embed.weight"].zero_();
        var e = Assert.Throws<CaptioningException>(() => m.LoadStateDict(source, sourceName: "w.safetensors"));
        Assert.Contains("weights 'w.safetensors'", e.Message);
        Assert.Contains("missing keys (1): output.bias", e.Message);
        Assert.Contains("unexpected keys (1): extra.weight", e.Message);
        Assert.Contains("image.bias: expected [6], got [5]", e.Message);
        // Nothing was copied: the embedding is not zero.
        Assert.NotEqual(0, m.state_dict()["embed.weight"].abs().sum().item<float>());
    }

    [Fact]
    public void LoadStateDict_CopiesValues()
    {
        TorchRuntime.ManualSeed(1);
        using var a = CaptionModelTests.Small("merge");
        TorchRuntime.ManualSeed(2);
        using var b = CaptionModelTests.Small("merge");
        b.LoadStateDict(a.state_dict());
        using var scope = NewDisposeScope();
        foreach (var (name, tensor) in a.state_dict())
            Assert.Equal(tensor.detach().data<float>().ToArray(), b.state_dict()[name].detach().data<float>().ToArray());
    }

    [Fact]
    public void Dropout_IsIdentityInEvalMode()
    {
        using var d = nn.Dropout(0.5);
        using var scope = NewDisposeScope();
        var x = ones(1000);
        var train = d.call(x).data<float>().ToArray();
        Assert.All(train, v => Assert.True(v == 0 || v == 2));
        Assert.InRange(train.Count(v => v == 0), 400, 600);
        d.eval();
        Assert.All(d.call(x).data<float>().ToArray(), v => Assert.Equal(1f, v));
    }

    [Theory]
    [InlineData("merge")]
    [InlineData("par-inject")]
    public void CaptionModel_DropsOutInTrainingModeOnly(string name)
    {
        using var model = CaptionModelTests.Small(name, 2); // dropout 0.5 on words and image, 0.2 between LSTM layers
        using var scope = NewDisposeScope();
        var features = randn(2, 10);
        var ids = tensor(new long[] { 1, 5, 6, 1, 4, 4 }, 2, 3);
        float[] Logits() => model.Forward(features, ids).detach().data<float>().ToArray();
        model.train();
        Assert.NotEqual(Logits(), Logits());
        model.eval();
        Assert.Equal(Logits(), Logits());
    }
}
