using System.Text;
using Captioning.Torch;
using Captioning.Torch.Serialization;
using Xunit;

namespace Captioning.Tests.Torch.Serialization;

public sealed class SafeTensorsTests : NativeLeakGuard
{
    private readonly string folder = Directory.CreateTempSubdirectory("captioning-st-").FullName;

    public override void Dispose()
    {
        Directory.Delete(folder, recursive: true);
        base.Dispose();
    }

    [Fact]
    public void Save_WritesTheReferenceLayoutByteForByte()
    {
        // The format's reference writer emits exactly these bytes for one F32 tensor "attn0" of
        // shape [1, 1, 2, 3] holding 0..5: the 65-byte JSON is padded with 7 spaces to 72.
        var path = Path.Combine(folder, "attn.safetensors");
        using (var t = Tensor.From(new float[] { 0, 1, 2, 3, 4, 5 }, 1, 1, 2, 3))
            SafeTensors.Save(path, new Dictionary<string, Tensor> { ["attn0"] = t });

        var json = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}" + "       ";
        var expected = new List<byte> { 72, 0, 0, 0, 0, 0, 0, 0 };
        expected.AddRange(Encoding.ASCII.GetBytes(json));
        expected.AddRange(new byte[] { 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64 });
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void Save_WritesEmptyAndMetadataOnlyFilesAsTheReferenceDoes()
    {
        var empty = Path.Combine(folder, "empty.safetensors");
        SafeTensors.Save(empty, new Dictionary<string, Tensor>());
        Assert.Equal(new byte[] { 8, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'}', 32, 32, 32, 32, 32, 32 }, File.ReadAllBytes(empty));

        var meta = Path.Combine(folder, "meta.safetensors");
        SafeTensors.Save(meta, new Dictionary<string, Tensor>(), new Dictionary<string, string> { ["framework"] = "pt" });
        var expected = new List<byte> { 40, 0, 0, 0, 0, 0, 0, 0 };
        expected.AddRange(Encoding.ASCII.GetBytes("{\"__metadata__\":{\"framework\":\"pt\"}}     "));
        Assert.Equal(expected, File.ReadAllBytes(meta));
    }

    [Fact]
    public void Save_OrdersByAlignmentThenNameAndSortsMetadata()
    {
        var path = Path.Combine(folder, "order.safetensors");
        using (var scope = DisposeScope.Enter())
        {
            SafeTensors.Save(path, new Dictionary<string, Tensor>
            {
                ["b"] = Tensor.From(new Half[] { (Half)1 }),
                ["mask"] = Tensor.From(new[] { true, false }),
                ["c"] = Tensor.From(new float[] { 2 }),
                ["a"] = Tensor.From(new long[] { 3 }),
                ["a2"] = Tensor.From(new long[] { 4 }),
            }, new Dictionary<string, string> { ["z"] = "tab\there", ["k"] = "quote\"" });
        }
        var header = ReadHeaderText(path);
        Assert.Equal(
            "{\"__metadata__\":{\"k\":\"quote\\\"\",\"z\":\"tab\\there\"}," +
            "\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}," +
            "\"a2\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]}," +
            "\"c\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]}," +
            "\"b\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[20,22]}," +
            "\"mask\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[22,24]}}",
            header.TrimEnd(' '));
        Assert.Equal(0, header.Length % 8);
        Assert.Equal(new Dictionary<string, string> { ["k"] = "quote\"", ["z"] = "tab\there" }, SafeTensors.ReadMetadata(path));
    }

    [Fact]
    public void SaveLoad_RoundTripsEveryDTypeIncludingScalarAndEmpty()
    {
        var path = Path.Combine(folder, "all.safetensors");
        var bf16 = new byte[] { 0x80, 0x3f, 0x00, 0xc0, 0x49, 0x40 }; // bfloat16 1, -2, 3.140625
        using (var scope = DisposeScope.Enter())
        {
            SafeTensors.Save(path, new Dictionary<string, Tensor>
            {
                ["f32"] = Tensor.From(new float[] { 1.5f, -2, float.MaxValue, float.Epsilon }, 2, 2),
                ["f64"] = Tensor.From(new double[] { Math.PI, -0.0 }),
                ["f16"] = Tensor.From(new Half[] { (Half)0.5, Half.MaxValue, (Half)(-3) }),
                ["bf16"] = Tensor.FromBytes(bf16, DType.BFloat16, [3]),
                ["i64"] = Tensor.From(new long[] { long.MinValue, long.MaxValue }),
                ["i32"] = Tensor.From(new int[] { int.MinValue, 7 }),
                ["i16"] = Tensor.From(new short[] { short.MinValue, 1, short.MaxValue }),
                ["i8"] = Tensor.From(new sbyte[] { -128, 127 }),
                ["u8"] = Tensor.From(new byte[] { 0, 255, 9 }),
                ["bool"] = Tensor.From(new[] { true, false, true }),
                ["scalar"] = Tensor.Scalar(42, DType.Float32),
                ["empty"] = Tensor.Zeros([0, 4]),
            });
        }

        using var loaded = SafeTensors.Load(path);
        Assert.Equal(12, loaded.Count);
        Assert.Equal(new float[] { 1.5f, -2, float.MaxValue, float.Epsilon }, loaded["f32"].ToArray<float>());
        Assert.Equal(new long[] { 2, 2 }, loaded["f32"].Shape);
        Assert.Equal(new[] { Math.PI, -0.0 }, loaded["f64"].ToArray<double>());
        Assert.Equal(new Half[] { (Half)0.5, Half.MaxValue, (Half)(-3) }, loaded["f16"].ToArray<Half>());
        Assert.Equal(DType.BFloat16, loaded["bf16"].DType);
        Assert.Equal(bf16, loaded["bf16"].ToBytes());
        Assert.Equal(new[] { 1f, -2f, 3.140625f }, loaded["bf16"].ToFloatArray());
        Assert.Equal(new[] { long.MinValue, long.MaxValue }, loaded["i64"].ToArray<long>());
        Assert.Equal(new[] { int.MinValue, 7 }, loaded["i32"].ToArray<int>());
        Assert.Equal(new short[] { short.MinValue, 1, short.MaxValue }, loaded["i16"].ToArray<short>());
        Assert.Equal(new sbyte[] { -128, 127 }, loaded["i8"].ToArray<sbyte>());
        Assert.Equal(new byte[] { 0, 255, 9 }, loaded["u8"].ToArray<byte>());
        Assert.Equal(new[] { true, false, true }, loaded["bool"].ToArray<bool>());
        Assert.Empty(loaded["scalar"].Shape);
        Assert.Equal(new[] { 42f }, loaded["scalar"].ToArray<float>());
        Assert.Equal(new long[] { 0, 4 }, loaded["empty"].Shape);
        Assert.Equal(DType.Float32, loaded["empty"].DType);
    }

    [Fact]
    public void Save_WritesNonContiguousTensorsRowMajor()
    {
        var path = Path.Combine(folder, "transposed.safetensors");
        using (var scope = DisposeScope.Enter())
        {
            var t = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3).Transpose(0, 1); // (3, 2)
            SafeTensors.Save(path, new Dictionary<string, Tensor> { ["t"] = t });
        }
        using var loaded = SafeTensors.Load(path);
        Assert.Equal(new long[] { 3, 2 }, loaded["t"].Shape);
        Assert.Equal(new float[] { 1, 4, 2, 5, 3, 6 }, loaded["t"].ToArray<float>());
    }

    [Fact]
    public void Save_ReplacesAnExistingFileAndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(folder, "w.safetensors");
        File.WriteAllText(path, "old contents");
        using (var t = Tensor.From(new float[] { 7 }))
            SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = t });
        Assert.Equal([path], Directory.GetFiles(folder));
        using var loaded = SafeTensors.Load(path);
        Assert.Equal(new float[] { 7 }, loaded["w"].ToArray<float>());
    }

    [Fact]
    public void Save_ThrowsForMissingFolderAndReservedName()
    {
        using var t = Tensor.From(new float[] { 1 });
        var missing = Path.Combine(folder, "no-such-folder", "w.safetensors");
        var e = Assert.Throws<CaptioningException>(() => SafeTensors.Save(missing, new Dictionary<string, Tensor> { ["w"] = t }));
        Assert.Contains("does not exist", e.Message);
        var reserved = Assert.Throws<CaptioningException>(() =>
            SafeTensors.Save(Path.Combine(folder, "r.safetensors"), new Dictionary<string, Tensor> { ["__metadata__"] = t }));
        Assert.Contains("'__metadata__' is not a valid tensor name", reserved.Message);
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public void ReadHeader_DescribesTensorsInFileOrderWithoutLoadingThem()
    {
        var path = Path.Combine(folder, "h.safetensors");
        using (var scope = DisposeScope.Enter())
        {
            SafeTensors.Save(path, new Dictionary<string, Tensor>
            {
                ["w"] = Tensor.Zeros([2, 3]),
                ["steps"] = Tensor.From(new long[] { 5 }),
            });
        }
        var before = TorchRuntime.LiveTensorHandles;
        var header = SafeTensors.ReadHeader(path);
        Assert.Equal(before, TorchRuntime.LiveTensorHandles);
        Assert.Equal(["steps", "w"], header.Select(h => h.Name));
        Assert.Equal(DType.Int64, header[0].DType);
        Assert.Equal(new long[] { 1 }, header[0].Shape);
        Assert.Equal((0L, 8L), (header[0].Begin, header[0].End));
        Assert.Equal(DType.Float32, header[1].DType);
        Assert.Equal(new long[] { 2, 3 }, header[1].Shape);
        Assert.Equal(24, header[1].ByteCount);
        Assert.Empty(SafeTensors.ReadMetadata(path));
    }

    [Fact]
    public void Load_ReadsAFileWrittenInNameOrderByOlderWriters()
    {
        // Writers before alignment ordering laid tensors out by name; offsets, not header order, decide.
        var json = "{\"b\":{\"dtype\":\"I16\",\"shape\":[1],\"data_offsets\":[4,6]},\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}";
        var path = SafeTensorsFiles.Write(folder, json, [0, 0, 0x80, 0x3f, 0xff, 0x7f]);
        using var loaded = SafeTensors.Load(path);
        Assert.Equal(["a", "b"], loaded.Keys);
        Assert.Equal(new[] { 1f }, loaded["a"].ToArray<float>());
        Assert.Equal(new short[] { short.MaxValue }, loaded["b"].ToArray<short>());
    }

    private static string ReadHeaderText(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var n = (int)BitConverter.ToUInt64(bytes, 0);
        return Encoding.UTF8.GetString(bytes, 8, n);
    }
}
