using Captioning.Weights;
using Captioning.Weights.Pickle;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Weights;

public sealed class PickleReaderTests
{
    [Fact]
    public void Load_BuildsScalarsContainersAndMemo()
    {
        var pickle = new PickleBytes().Proto(2).Op('}').Op('q').Raw(0).Op('(')
            .Str("neg").Op('J').Raw(BitConverter.GetBytes(-5))
            .Str("big").Int(-1234567890123L)
            .Str("short").Op('M').Raw(0x34, 0x12)
            .Str("pi").Op('G').Raw(BitConverter.GetBytes(Math.PI).Reverse().ToArray())
            .Str("flags").Raw(0x88, 0x89).Op('N').Raw(0x87)
            .Str("list").Op(']').Op('q').Raw(1).Op('(').Int(1).Int(2).Op('e').Str("three").Op('a')
            .Str("again").Op('h').Raw(1)
            .Op('u').Op('.').ToArray();

        var root = Assert.IsType<PickleDict>(PickleReader.Load(pickle, "test"));
        Assert.Equal(["neg", "big", "short", "pi", "flags", "list", "again"], root.Items.Select(kv => (string)kv.Key));
        Assert.True(root.TryGet("neg", out var neg) && (long)neg! == -5);
        Assert.True(root.TryGet("big", out var big) && (long)big! == -1234567890123L);
        Assert.True(root.TryGet("short", out var s) && (long)s! == 0x1234);
        Assert.True(root.TryGet("pi", out var pi) && (double)pi! == Math.PI);
        Assert.True(root.TryGet("flags", out var flags));
        Assert.Equal(new object?[] { true, false, null }, (object?[])flags!);
        Assert.True(root.TryGet("list", out var list));
        Assert.True(root.TryGet("again", out var again));
        Assert.Equal(new object?[] { 1L, 2L, "three" }, (List<object?>)list!);
        Assert.Same(list, again);
    }

    [Fact]
    public void Load_DecodesShortLong1ValuesWithSign()
    {
        var pickle = new PickleBytes().Proto(2).Raw(0x8a, 2, 0x00, 0x80).Raw(0x8a, 1, 0x7f).Raw(0x8a, 0).Raw(0x87).Op('.').ToArray();
        Assert.Equal(new object?[] { -32768L, 127L, 0L }, (object?[])PickleReader.Load(pickle, "test")!);
    }

    [Fact]
    public void Load_KeepsOrderedDictAttributesSetByBuild()
    {
        var pickle = new PickleBytes().Proto(2).EmptyOrderedDict().Str("k").Int(1).Op('s')
            .Op('}').Str("_metadata").EmptyOrderedDict().Op('s').Op('b').Op('.').ToArray();
        var dict = Assert.IsType<PickleDict>(PickleReader.Load(pickle, "test"));
        Assert.Equal(1, dict.Count);
        Assert.IsType<PickleDict>(dict.Attributes["_metadata"]);
    }

    [Fact]
    public void Load_ReadsProtocol4FramesAndStackGlobal()
    {
        var pickle = new PickleBytes().Proto(4).Raw(0x95).Raw(BitConverter.GetBytes(100L))
            .ShortStr("collections").Raw(0x94).ShortStr("OrderedDict").Raw(0x94).Raw(0x93).Raw(0x94).Op(')').Raw(0x81).Op('.').ToArray();
        Assert.IsType<PickleDict>(PickleReader.Load(pickle, "test"));
    }

    [Theory]
    [InlineData("builtins", "eval")]
    [InlineData("os", "system")]
    [InlineData("posix", "system")]
    [InlineData("subprocess", "Popen")]
    [InlineData("torch", "load")]
    public void Load_RefusesGlobalsOutsideTheWhitelist(string module, string name)
    {
        var viaGlobal = new PickleBytes().Proto(2).Global(module, name).Str("x").Raw(0x85).Op('R').Op('.').ToArray();
        var e = Assert.Throws<CaptioningException>(() => PickleReader.Load(viaGlobal, "file.pth"));
        Assert.Contains($"'{module} {name}'", e.Message);
        Assert.Contains("file.pth", e.Message);

        var viaStack = new PickleBytes().Proto(4).ShortStr(module).ShortStr(name).Raw(0x93).Op('.').ToArray();
        Assert.Contains($"'{module} {name}'", Assert.Throws<CaptioningException>(() => PickleReader.Load(viaStack, "file.pth")).Message);
    }

    [Fact]
    public void Load_RefusesNestedPicklesFromLoadFromBytes()
    {
        var pickle = new PickleBytes().Proto(2).Global("torch.storage", "_load_from_bytes").Op('.').ToArray();
        var e = Assert.Throws<CaptioningException>(() => PickleReader.Load(pickle, "f"));
        Assert.Contains("'torch.storage _load_from_bytes'", e.Message);
        Assert.Contains("nested", e.Message);
    }

    [Fact]
    public void Load_ThrowsForTruncatedPickle()
    {
        var pickle = new PickleBytes().Proto(2).Op('}').Str("a long key").ToArray();
        var e = Assert.Throws<CaptioningException>(() => PickleReader.Load(pickle[..^4], "cut.pth"));
        Assert.Contains("cut.pth", e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("truncated", Assert.Throws<CaptioningException>(() => PickleReader.Load(pickle, "cut.pth")).Message);
    }

    [Fact]
    public void Load_ThrowsForUnsupportedOpcode()
    {
        var pickle = new PickleBytes().Proto(2).Op('I').Raw("1\n"u8.ToArray()).Op('.').ToArray();
        Assert.Contains("unsupported pickle opcode 0x49 at byte 2", Assert.Throws<CaptioningException>(() => PickleReader.Load(pickle, "f")).Message);
    }

    [Fact]
    public void Load_ThrowsForStackUnderflowAndMissingMemo()
    {
        Assert.Contains("empty stack", Assert.Throws<CaptioningException>(() => PickleReader.Load(new PickleBytes().Proto(2).Op('s').ToArray(), "f")).Message);
        Assert.Contains("memo entry 7", Assert.Throws<CaptioningException>(() => PickleReader.Load(new PickleBytes().Proto(2).Op('h').Raw(7).ToArray(), "f")).Message);
    }

    [Fact]
    public void Load_RefusesCallingAStorageClass()
    {
        var pickle = new PickleBytes().Proto(2).Global("torch", "FloatStorage").Op(')').Op('R').Op('.').ToArray();
        Assert.Contains("cannot be called", Assert.Throws<CaptioningException>(() => PickleReader.Load(pickle, "f")).Message);
    }

    [Fact]
    public void Load_DescribesTensorsWithoutReadingData()
    {
        var pickle = new PickleBytes().Proto(2).Tensor("HalfStorage", "7", 12, 2, [2, 3], [1, 2]).Op('.').ToArray();
        var t = Assert.IsType<PickledTensor>(PickleReader.Load(pickle, "f"));
        Assert.Equal(new StorageRef("7", ScalarType.Float16, 12, "cpu"), t.Storage);
        Assert.Equal(2, t.Offset);
        Assert.Equal(new long[] { 2, 3 }, t.Size);
        Assert.Equal(new long[] { 1, 2 }, t.Stride);
    }

    [Fact]
    public void StridedView_GathersPermutedOffsetAndExpandedViews()
    {
        var storage = Enumerable.Range(0, 30).Select(i => (byte)i).ToArray();
        // (2, 3, 4) contiguous from offset 3, permuted to (4, 2, 3): strides (1, 12, 4).
        var permuted = StridedView.Gather(storage, 1, 3, [4, 2, 3], [1, 12, 4]);
        var expected = new List<byte>();
        for (var k = 0; k < 4; k++)
            for (var i = 0; i < 2; i++)
                for (var j = 0; j < 3; j++)
                    expected.Add((byte)(3 + i * 12 + j * 4 + k));
        Assert.Equal(expected, permuted);
        Assert.Equal(3 + 23 + 1, StridedView.Extent(3, [4, 2, 3], [1, 12, 4]));
        // Stride 0 repeats an element (an expanded tensor); 2-byte elements move together.
        Assert.Equal(new byte[] { 4, 5, 4, 5, 4, 5 }, StridedView.Gather(storage, 2, 2, [3], [0]));
        Assert.Equal(new byte[] { 9 }, StridedView.Gather(storage, 1, 9, [], []));
        Assert.Empty(StridedView.Gather(storage, 4, 0, [0, 5], [5, 1]));
        Assert.True(StridedView.IsContiguous([2, 1, 3], [3, 99, 1]));
        Assert.False(StridedView.IsContiguous([2, 3], [1, 2]));
    }
}
