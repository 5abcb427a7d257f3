using Captioning.Weights;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Weights;

public sealed class StateDictExtensionsTests : NativeLeakGuard
{
    // Keys 0.weight (3, 2), 0.bias (3), 1.weight (1, 3), 1.bias (1), as PyTorch's nn.Sequential names them.
    private static nn.Module<Tensor, Tensor> Net() => nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1));

    [Fact]
    public void LoadStateDict_ListsMissingUnexpectedAndMisShapedKeysAndCopiesNothing()
    {
        using var net = Net();
        using var scope = NewDisposeScope();
        var before = net.state_dict()["0.weight"].data<float>().ToArray();
        var source = new Dictionary<string, Tensor>
        {
            ["0.weight"] = zeros(3, 2),
            ["0.bias"] = zeros(4),
            ["1.weight"] = zeros(1, 3),
            ["2.weight"] = zeros(1),
        };
        var e = Assert.Throws<CaptioningException>(() => net.LoadStateDict(source, sourceName: "w.safetensors"));
        Assert.Equal(
            "weights 'w.safetensors' do not fit Sequential: missing keys (1): 1.bias. unexpected keys (1): 2.weight. " +
            "shape mismatches (1): 0.bias: expected [3], got [4]", e.Message);
        Assert.Equal(before, net.state_dict()["0.weight"].data<float>().ToArray());

        // Not strict: absent and extra keys are allowed, a wrong shape still is not (copy_ would broadcast it).
        source.Remove("0.bias");
        net.LoadStateDict(source, strict: false);
        Assert.All(net.state_dict()["0.weight"].data<float>().ToArray(), v => Assert.Equal(0f, v));
        source["1.bias"] = zeros(1, 1);
        var shape = Assert.Throws<CaptioningException>(() => net.LoadStateDict(source, strict: false));
        Assert.StartsWith("state dict do not fit Sequential: ", shape.Message);
        Assert.EndsWith("shape mismatches (1): 1.bias: expected [1], got [1, 1]", shape.Message);
    }

    [Fact]
    public void LoadStateDict_CopiesEveryValueWhenStrict()
    {
        using var a = Net();
        using var b = Net();
        using var scope = NewDisposeScope();
        b.LoadStateDict(a.state_dict());
        foreach (var (name, tensor) in a.state_dict())
            Assert.Equal(tensor.data<float>().ToArray(), b.state_dict()[name].data<float>().ToArray());
    }
}
