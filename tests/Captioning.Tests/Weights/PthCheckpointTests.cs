using Captioning.Weights;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Weights;

/// <summary>Reads checkpoints written by Debian's python3-torch (torch.save) and compares every value with what Python holds.</summary>
[Trait("Category", "Oracle")]
public sealed class PthCheckpointTests : NativeLeakGuard, IClassFixture<CheckpointFixture>
{
    private readonly CheckpointFixture oracle;

    public PthCheckpointTests(CheckpointFixture oracle) => this.oracle = oracle;

    [Theory]
    [InlineData("model.pth")]
    [InlineData("model-proto4.pth")]
    [InlineData("renamed.pth")]
    [InlineData("plain.pth")]
    public void Load_MatchesPythonValuesForEveryTensor(string file)
    {
        using var tensors = PthCheckpoint.Load(oracle.PathOf(file));
        AssertMatches(oracle.Expected[file], tensors);
    }

    [Fact]
    public void Load_HandsDenseStateDictsToPyBridgeAndRebuildsViewsAndParametersItself()
    {
        Assert.True(PthArchiveTests.ReadThroughPyBridge(oracle.PathOf("plain.pth")));
        Assert.True(PthArchiveTests.ReadThroughPyBridge(oracle.PathOf("renamed.pth")));
        Assert.False(PthArchiveTests.ReadThroughPyBridge(oracle.PathOf("model.pth"))); // transposed and shared-storage views
        Assert.False(PthArchiveTests.ReadThroughPyBridge(oracle.PathOf("wrapped.pth"))); // an nn.Parameter
        using var tensors = PthCheckpoint.Load(oracle.PathOf("plain.pth"));
        Assert.Equal(oracle.Expected["plain.pth"].Keys, tensors.Keys); // PyBridge's hashtable order is not kept
    }

    [Fact]
    public void Load_KeepsStateDictOrderAndCoversEveryDType()
    {
        using var tensors = PthCheckpoint.Load(oracle.PathOf("model.pth"));
        Assert.Equal(
            ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked", "3.weight", "3.bias",
             "extra.half", "extra.bf16", "extra.mask", "extra.bytes", "extra.int8", "extra.int16", "extra.int32", "extra.double",
             "extra.scalar", "extra.empty", "extra.transposed", "extra.shared_slice", "extra.shared_column"],
            tensors.Keys);
        Assert.Equal(ScalarType.Int64, tensors["1.num_batches_tracked"].dtype);
        Assert.Equal(1L, tensors["1.num_batches_tracked"].item<long>());
        Assert.Equal(ScalarType.Float16, tensors["extra.half"].dtype);
        Assert.Equal(ScalarType.BFloat16, tensors["extra.bf16"].dtype);
        Assert.Equal(new[] { true, false, true }, tensors["extra.mask"].data<bool>().ToArray());
        Assert.Equal(new[] { 3.5f }, tensors["extra.scalar"].data<float>().ToArray());
        Assert.Empty(tensors["extra.scalar"].shape);
        Assert.Equal(new long[] { 0, 3 }, tensors["extra.empty"].shape);
    }

    [Fact]
    public void Load_GathersTransposedAndSharedStorageViews()
    {
        using var tensors = PthCheckpoint.Load(oracle.PathOf("model.pth"));
        // arange(15).reshape(5, 3).t(): row i holds i, i+3, i+6, ...
        Assert.Equal(new long[] { 3, 5 }, tensors["extra.transposed"].shape);
        Assert.Equal(new float[] { 0, 3, 6, 9, 12, 1, 4, 7, 10, 13, 2, 5, 8, 11, 14 }, tensors["extra.transposed"].data<float>().ToArray());
        Assert.True(tensors["extra.transposed"].is_contiguous());
        // base = arange(24) * 0.5; base[5:11] and base.view(4, 6)[:, 2].
        Assert.Equal(new float[] { 2.5f, 3, 3.5f, 4, 4.5f, 5 }, tensors["extra.shared_slice"].data<float>().ToArray());
        Assert.Equal(new float[] { 1, 4, 7, 10 }, tensors["extra.shared_column"].data<float>().ToArray());
    }

    [Fact]
    public void Load_PutsTensorsOnTheRequestedDevice()
    {
        using var tensors = PthCheckpoint.Load(oracle.PathOf("renamed.pth"), CPU);
        Assert.All(tensors.Values, t => Assert.Equal(DeviceType.CPU, t.device_type));
        Assert.Equal(new[] { 1.5f, -2.0f }, tensors["fc.bias"].data<float>().ToArray());
    }

    [Fact]
    public void Load_FindsTheStateDictInsideAWrapperCheckpoint()
    {
        using var tensors = PthCheckpoint.Load(oracle.PathOf("wrapped.pth"));
        AssertMatches(oracle.Expected["wrapped.pth"], tensors);
        Assert.Equal(new float[] { 0, 1, 2, 3 }, tensors["w"].data<float>().ToArray());
    }

    [Fact]
    public void LoadStateDict_FollowsNestedKeys()
    {
        using var tensors = PthCheckpoint.LoadStateDict(oracle.PathOf("wrapped.pth"), "nested/encoder");
        Assert.Equal(["b"], tensors.Keys);
        Assert.Equal(new long[] { 9, 8 }, tensors["b"].data<long>().ToArray());
    }

    [Fact]
    public void LoadStateDict_ThrowsNamingAvailableKeysForMissingKey()
    {
        var e = Assert.Throws<CaptioningException>(() => PthCheckpoint.LoadStateDict(oracle.PathOf("wrapped.pth"), "weights"));
        Assert.Contains("no key 'weights'", e.Message);
        Assert.Contains("'state_dict'", e.Message);
        Assert.Contains("'epoch' (int 3)", e.Message);
    }

    [Fact]
    public void LoadStateDict_ThrowsForAKeyHoldingNonTensors()
    {
        var e = Assert.Throws<CaptioningException>(() => PthCheckpoint.LoadStateDict(oracle.PathOf("wrapped.pth"), "optimizer"));
        Assert.Contains("entry 'lr' holds float 0.01, not a tensor", e.Message);
    }

    [Fact]
    public void Load_RefusesPosixSystemWithoutRunningIt()
    {
        var e = Assert.Throws<CaptioningException>(() => PthCheckpoint.Load(oracle.PathOf("evil.pth")));
        Assert.Contains("'posix system'", e.Message);
        Assert.Contains("evil.pth", e.Message);
        Assert.False(File.Exists(oracle.Marker), "the pickle's os.system call ran");
    }

    [Fact]
    public void Load_RefusesAWholePickledModelAndAsksForItsStateDict()
    {
        var e = Assert.Throws<CaptioningException>(() => PthCheckpoint.Load(oracle.PathOf("whole-model.pth")));
        Assert.Contains("'torch.nn.modules.container Sequential'", e.Message);
        Assert.Contains("torch.save(model.state_dict(), path)", e.Message);
    }

    [Fact]
    public void Load_ThrowsForTruncatedCheckpoint()
    {
        var bytes = File.ReadAllBytes(oracle.PathOf("model.pth"));
        var path = oracle.PathOf("truncated.pth");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<CaptioningException>(() => PthCheckpoint.Load(path));
        Assert.Contains("truncated.pth", e.Message);
        Assert.Contains("damaged or truncated", e.Message);
    }

    [Fact]
    public void Load_MatchesPythonAfterSafetensorsConversion()
    {
        var path = oracle.PathOf("converted.safetensors");
        using (var pth = PthCheckpoint.Load(oracle.PathOf("model.pth")))
            SafeTensors.Save(path, pth, new Dictionary<string, string> { ["source"] = "model.pth" });
        using var converted = SafeTensors.Load(path);
        AssertMatches(oracle.Expected["model.pth"], converted);
        Assert.Equal("model.pth", SafeTensors.ReadMetadata(path)["source"]);
    }

    internal static void AssertMatches(Dictionary<string, ExpectedTensor> expected, TensorDictionary actual)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, want) in expected)
        {
            var tensor = actual[name];
            Assert.True(want.DType == TorchName(tensor.dtype), $"{name}: dtype {tensor.dtype}, Python has {want.DType}");
            Assert.True(want.Shape.SequenceEqual(tensor.shape), $"{name}: shape [{string.Join(", ", tensor.shape)}], Python has [{string.Join(", ", want.Shape)}]");
            Assert.True(tensor.is_contiguous(), $"{name}: not contiguous");
            Assert.True(want.Bytes.AsSpan().SequenceEqual(tensor.numel() == 0 ? Span<byte>.Empty : tensor.bytes), $"{name}: values differ from Python's");
        }
    }

    private static string TorchName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float64 => "float64",
        ScalarType.Int64 => "int64",
        ScalarType.Int32 => "int32",
        ScalarType.Int16 => "int16",
        ScalarType.Int8 => "int8",
        ScalarType.Byte => "uint8",
        ScalarType.Bool => "bool",
        _ => dtype.ToString(),
    };
}
