using Captioning.Weights;
using TorchSharp;
using Xunit;

namespace Captioning.Tests.Weights;

public sealed class OnnxInitializersTests : NativeLeakGuard
{
    private readonly string folder = Directory.CreateTempSubdirectory("onnx-init-").FullName;

    [Fact]
    public void Read_ReturnsPackedAndRawInitializersInFileOrder()
    {
        var path = Write("two.onnx", OnnxBytes.Model(
            OnnxBytes.FloatTensor("w", [2, 3], [1, 2, 3, 4, 5, 6.5f]),
            OnnxBytes.RawTensor("b", [2], [-1.25f, 300])));
        using var tensors = OnnxInitializers.Read(path);
        Assert.Equal(new[] { "w", "b" }, tensors.Keys);
        Assert.Equal(new long[] { 2, 3 }, tensors["w"].shape);
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6.5f }, tensors["w"].data<float>().ToArray());
        Assert.Equal(torch.ScalarType.Float32, tensors["b"].dtype);
        Assert.Equal(new[] { -1.25f, 300 }, tensors["b"].data<float>().ToArray());
    }

    [Fact]
    public void Read_ThrowsForMissingFileNamingIt()
    {
        var path = Path.Combine(folder, "absent.onnx");
        var e = Assert.Throws<CaptioningException>(() => OnnxInitializers.Read(path));
        Assert.Equal($"'{path}': ONNX model not found", e.Message);
    }

    [Fact]
    public void Read_ThrowsForTruncatedFileNamingIt()
    {
        var bytes = OnnxBytes.Model(OnnxBytes.FloatTensor("w", [4], [1, 2, 3, 4]));
        var path = Write("cut.onnx", bytes[..(bytes.Length - 5)]);
        var e = Assert.Throws<CaptioningException>(() => OnnxInitializers.Read(path));
        Assert.StartsWith($"'{path}' is not a readable ONNX model ({bytes.Length - 5} bytes): the data ends inside a field", e.Message);
        Assert.Contains("(truncated file?)", e.Message);
    }

    [Fact]
    public void Read_ThrowsForNonFloatInitializerNamingIt()
    {
        var path = Write("int.onnx", OnnxBytes.Model(OnnxBytes.FloatTensor("steps", [1], [1], dataType: 7)));
        var e = Assert.Throws<CaptioningException>(() => OnnxInitializers.Read(path));
        Assert.EndsWith("initializer 'steps' [1] has ONNX data type 7; expected 1 (float32)", e.Message);
    }

    [Fact]
    public void Read_ThrowsWhenValuesDoNotFillTheShape()
    {
        var path = Write("short.onnx", OnnxBytes.Model(OnnxBytes.FloatTensor("w", [2, 2], [1, 2, 3])));
        var e = Assert.Throws<CaptioningException>(() => OnnxInitializers.Read(path));
        Assert.EndsWith("initializer 'w' [2, 2] holds 3 values; expected 4", e.Message);
    }

    [Fact]
    public void Read_ThrowsForAFileThatIsNotAModel()
    {
        var path = Write("text.onnx", "hello, not protobuf"u8.ToArray());
        var e = Assert.Throws<CaptioningException>(() => OnnxInitializers.Read(path));
        Assert.StartsWith($"'{path}' is not a readable ONNX model", e.Message);
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public override void Dispose()
    {
        Directory.Delete(folder, recursive: true);
        base.Dispose();
    }
}
