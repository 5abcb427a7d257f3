using Captioning.Torch;
using Captioning.Torch.Serialization;
using Xunit;

namespace Captioning.Tests.Torch.Serialization;

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
    public void Load_MatchesPythonValuesForEveryTensor(string file)
    {
        using var tensors = PthCheckpoint.Load(oracle.PathOf(file));
        AssertMatches(oracle.Expected[file], tensors);
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
        Assert.Equal(DType.Int64, tensors["1.num_batches_tracked"].DType);
        Assert.Equal(1L, tensors["1.num_batches_tracked"].ToArray<long>().Single());
        Assert.Equal(DType.Float16, tensors["extra.half"].DType);
        Assert.Equal(DType.BFloat16, tensors["extra.bf16"].DType);
        Assert.Equal(new[] { true, false, true }, tensors["extra.mask"].ToArray<bool>());
        Assert.Equal(new[] { 3.5f }, tensors["extra.scalar"].ToArray<float>());
        Assert.Empty(tensors["extra.scalar"].Shape);
        Assert.Equal(new long[] { 0, 3 }, tensors["extra.empty"].Shape);
    }

    [Fact]
    public void Load_GathersTransposedAndSharedStorageViews()
    {
        using var tensors = PthCheckpoint.Load(oracle.PathOf("model.pth"));
        // arange(15).reshape(5, 3).t(): row i holds i, i+3, i+6, ...
        Assert.Equal(new long[] { 3, 5 }, tensors["extra.transposed"].Shape);
        Assert.Equal(new float[] { 0, 3, 6, 9, 12, 1, 4, 7, 10, 13, 2, 5, 8, 11, 14 }, tensors["extra.transposed"].ToArray<float>());
        Assert.True(tensors["extra.transposed"].IsContiguous);
        // base = arange(24) * 0.5; base[5:11] and base.view(4, 6)[:, 2].
        Assert.Equal(new float[] { 2.5f, 3, 3.5f, 4, 4.5f, 5 }, tensors["extra.shared_slice"].ToArray<float>());
        Assert.Equal(new float[] { 1, 4, 7, 10 }, tensors["extra.shared_column"].ToArray<float>());
    }

    [Fact]
    public void Load_PutsTensorsOnTheRequestedDevice()
    {
        using var tensors = PthCheckpoint.Load(oracle.PathOf("renamed.pth"), Device.Cpu);
        Assert.All(tensors.Values, t => Assert.Equal(DeviceType.Cpu, t.Device.Type));
        Assert.Equal(new[] { 1.5f, -2.0f }, tensors["fc.bias"].ToArray<float>());
    }

    [Fact]
    public void Load_FindsTheStateDictInsideAWrapperCheckpoint()
    {
        using var tensors = PthCheckpoint.Load(oracle.PathOf("wrapped.pth"));
        AssertMatches(oracle.Expected["wrapped.pth"], tensors);
        Assert.Equal(new float[] { 0, 1, 2, 3 }, tensors["w"].ToArray<float>());
    }

    [Fact]
    public void LoadStateDict_FollowsNestedKeys()
    {
        using var tensors = PthCheckpoint.LoadStateDict(oracle.PathOf("wrapped.pth"), "nested/encoder");
        Assert.Equal(["b"], tensors.Keys);
        Assert.Equal(new long[] { 9, 8 }, tensors["b"].ToArray<long>());
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
            Assert.True(want.DType == TorchName(tensor.DType), $"{name}: dtype {tensor.DType}, Python has {want.DType}");
            Assert.True(want.Shape.SequenceEqual(tensor.Shape), $"{name}: shape [{string.Join(", ", tensor.Shape)}], Python has [{string.Join(", ", want.Shape)}]");
            Assert.True(want.Bytes.AsSpan().SequenceEqual(tensor.ToBytes()), $"{name}: values differ from Python's");
        }
    }

    private static string TorchName(DType dtype) => dtype switch
    {
        DType.Float32 => "float32",
        DType.Float16 => "float16",
        DType.BFloat16 => "bfloat16",
        DType.Float64 => "float64",
        DType.Int64 => "int64",
        DType.Int32 => "int32",
        DType.Int16 => "int16",
        DType.Int8 => "int8",
        DType.UInt8 => "uint8",
        DType.Bool => "bool",
        _ => dtype.ToString(),
    };
}
