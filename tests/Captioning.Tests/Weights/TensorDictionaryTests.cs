using Captioning.Weights;
using TorchSharp;
using Xunit;

namespace Captioning.Tests.Weights;

public sealed class TensorDictionaryTests : NativeLeakGuard
{
    [Fact]
    public void Dispose_FreesEveryTensorAndKeepsInsertionOrderUntilThen()
    {
        var dict = new TensorDictionary();
        var b = torch.tensor(new float[] { 1 });
        var a = torch.tensor(new float[] { 2 });
        dict.Add("b", b);
        dict.Add("a", a);
        Assert.Equal(["b", "a"], dict.Keys);
        Assert.Equal([b, a], dict.Values);
        Assert.Equal(["b", "a"], dict.Select(kv => kv.Key));
        dict.Dispose();
        Assert.True(a.IsInvalid && b.IsInvalid);
        Assert.Empty(dict);
    }

    [Fact]
    public void Add_TakesTensorsOutOfTheCurrentScope()
    {
        using var dict = new TensorDictionary();
        using (torch.NewDisposeScope()) dict.Add("w", torch.tensor(new float[] { 3 }));
        Assert.Equal(new float[] { 3 }, dict["w"].data<float>().ToArray());
    }

    [Fact]
    public void Take_HandsOwnershipToTheCaller()
    {
        using var dict = new TensorDictionary();
        dict.Add("w", torch.tensor(new long[] { 4 }));
        using var w = dict.Take("w");
        Assert.False(dict.ContainsKey("w"));
        Assert.Empty(dict.Keys);
        Assert.Equal(new long[] { 4 }, w.data<long>().ToArray());
    }

    [Fact]
    public void Indexer_ThrowsNamingTheMissingKey_AndAddRefusesDuplicates()
    {
        using var dict = new TensorDictionary();
        dict.Add("w", torch.tensor(new float[] { 1 }));
        Assert.Contains("'fc.weight'", Assert.Throws<KeyNotFoundException>(() => dict["fc.weight"]).Message);
        using var again = torch.tensor(new float[] { 2 });
        Assert.Contains("'w' is already", Assert.Throws<ArgumentException>(() => dict.Add("w", again)).Message);
        Assert.False(dict.TryGetValue("x", out _));
    }
}
