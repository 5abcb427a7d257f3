using System.Text;
using Captioning.Weights;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Weights;

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
        using (var t = torch.tensor(new float[] { 0, 1, 2, 3, 4, 5 }, 1, 1, 2, 3))
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
        using (var scope = torch.NewDisposeScope())
        {
            SafeTensors.Save(path, new Dictionary<string, Tensor>
            {
                ["b"] = torch.tensor(new Half[] { (Half)1 }),
                ["mask"] = torch.tensor(new[] { true, false }),
                ["c"] = torch.tensor(new float[] { 2 }),
                ["a"] = torch.tensor(new long[] { 3 }),
                ["a2"] = torch.tensor(new long[] { 4 }),
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
        using (var scope = torch.NewDisposeScope())
        {
            SafeTensors.Save(path, new Dictionary<string, Tensor>
            {
                ["f32"] = torch.tensor(new float[] { 1.5f, -2, float.MaxValue, float.Epsilon }, 2, 2),
                ["f64"] = torch.tensor(new double[] { Math.PI, -0.0 }),
                ["f16"] = torch.tensor(new Half[] { (Half)0.5, Half.MaxValue, (Half)(-3) }),
                ["bf16"] = BFloat16FromBytes(bf16),
                ["i64"] = torch.tensor(new long[] { long.MinValue, long.MaxValue }),
                ["i32"] = torch.tensor(new int[] { int.MinValue, 7 }),
                ["i16"] = torch.tensor(new short[] { short.MinValue, 1, short.MaxValue }),
                ["i8"] = torch.tensor(new sbyte[] { -128, 127 }),
                ["u8"] = torch.tensor(new byte[] { 0, 255, 9 }),
                ["bool"] = torch.tensor(new[] { true, false, true }),
                ["scalar"] = torch.tensor(42f),
                ["empty"] = torch.zeros(0, 4),
            });
        }

        using var loaded = SafeTensors.Load(path);
        Assert.Equal(12, loaded.Count);
        Assert.Equal(new float[] { 1.5f, -2, float.MaxValue, float.Epsilon }, loaded["f32"].data<float>().ToArray());
        Assert.Equal(new long[] { 2, 2 }, loaded["f32"].shape);
        Assert.Equal(new[] { Math.PI, -0.0 }, loaded["f64"].data<double>().ToArray());
        Assert.Equal(new Half[] { (Half)0.5, Half.MaxValue, (Half)(-3) }, loaded["f16"].data<Half>().ToArray());
        Assert.Equal(ScalarType.BFloat16, loaded["bf16"].dtype);
        Assert.Equal(bf16, loaded["bf16"].bytes.ToArray());
        using (var asFloat = loaded["bf16"].to(ScalarType.Float32))
            Assert.Equal(new[] { 1f, -2f, 3.140625f }, asFloat.data<float>().ToArray());
        Assert.Equal(new[] { long.MinValue, long.MaxValue }, loaded["i64"].data<long>().ToArray());
        Assert.Equal(new[] { int.MinValue, 7 }, loaded["i32"].data<int>().ToArray());
        Assert.Equal(new short[] { short.MinValue, 1, short.MaxValue }, loaded["i16"].data<short>().ToArray());
        Assert.Equal(new sbyte[] { -128, 127 }, loaded["i8"].data<sbyte>().ToArray());
        Assert.Equal(new byte[] { 0, 255, 9 }, loaded["u8"].data<byte>().ToArray());
        Assert.Equal(new[] { true, false, true }, loaded["bool"].data<bool>().ToArray());
        Assert.Empty(loaded["scalar"].shape);
        Assert.Equal(new[] { 42f }, loaded["scalar"].data<float>().ToArray());
        Assert.Equal(new long[] { 0, 4 }, loaded["empty"].shape);
        Assert.Equal(ScalarType.Float32, loaded["empty"].dtype);
    }

    [Fact]
    public void Save_WritesNonContiguousTensorsRowMajor()
    {
        var path = Path.Combine(folder, "transposed.safetensors");
        using (var scope = torch.NewDisposeScope())
        {
            var t = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3).transpose(0, 1); // (3, 2)
            SafeTensors.Save(path, new Dictionary<string, Tensor> { ["t"] = t });
        }
        using var loaded = SafeTensors.Load(path);
        Assert.Equal(new long[] { 3, 2 }, loaded["t"].shape);
        Assert.Equal(new float[] { 1, 4, 2, 5, 3, 6 }, loaded["t"].data<float>().ToArray());
    }

    [Fact]
    public void Save_ReplacesAnExistingFileAndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(folder, "w.safetensors");
        File.WriteAllText(path, "old contents");
        using (var t = torch.tensor(new float[] { 7 }))
            SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = t });
        Assert.Equal([path], Directory.GetFiles(folder));
        using var loaded = SafeTensors.Load(path);
        Assert.Equal(new float[] { 7 }, loaded["w"].data<float>().ToArray());
    }

    [Fact]
    public void Save_ThrowsForMissingFolderAndReservedName()
    {
        using var t = torch.tensor(new float[] { 1 });
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
        using (var scope = torch.NewDisposeScope())
        {
            SafeTensors.Save(path, new Dictionary<string, Tensor>
            {
                ["w"] = torch.zeros(2, 3),
                ["steps"] = torch.tensor(new long[] { 5 }),
            });
        }
        var before = LiveTensors();
        var header = SafeTensors.ReadHeader(path);
        Assert.Equal(before, LiveTensors());
        Assert.Equal(["steps", "w"], header.Select(h => h.Name));
        Assert.Equal(ScalarType.Int64, header[0].DType);
        Assert.Equal(new long[] { 1 }, header[0].Shape);
        Assert.Equal((0L, 8L), (header[0].Begin, header[0].End));
        Assert.Equal(ScalarType.Float32, header[1].DType);
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
        Assert.Equal(new[] { 1f }, loaded["a"].data<float>().ToArray());
        Assert.Equal(new short[] { short.MaxValue }, loaded["b"].data<short>().ToArray());
    }

    private static Tensor BFloat16FromBytes(byte[] bytes)
    {
        var t = torch.empty(bytes.Length / 2, ScalarType.BFloat16);
        t.bytes = bytes;
        return t;
    }

    private static string ReadHeaderText(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var n = (int)BitConverter.ToUInt64(bytes, 0);
        return Encoding.UTF8.GetString(bytes, 8, n);
    }
}
