using Captioning.Tests.Cli;
using Captioning.Tests.Weights;
using Captioning.Weights;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Features;

public sealed class WeightsCommandTests : NativeLeakGuard, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("captioning-weights-cli-").FullName;

    public override void Dispose()
    {
        Directory.Delete(folder, recursive: true);
        base.Dispose();
    }

    [Fact]
    public void Inspect_ListsKeysDtypesAndShapesInFileOrder()
    {
        var path = Path.Combine(folder, "small.safetensors");
        using (var dict = new TensorDictionary())
        {
            dict.Add("conv.weight", torch.zeros(8, 3, 3, 3));
            dict.Add("bn.num_batches_tracked", torch.zeros([], ScalarType.Int64));
            dict.Add("head.bias", torch.zeros([5], ScalarType.Float16));
            dict.Add("mask", torch.zeros([2], ScalarType.Byte));
            SafeTensors.Save(path, dict);
        }
        var (code, output, error) = CliRunner.Run("weights", "inspect", path);
        Assert.True(code == 0, error);
        // safetensors orders by alignment (8-byte int64 first), then by name.
        Assert.Equal(
            "bn.num_batches_tracked\tint64\t[]\nconv.weight\tfloat32\t[8, 3, 3, 3]\nhead.bias\tfloat16\t[5]\nmask\tuint8\t[2]\n4 tensors, 224 values (safetensors)\n",
            output.Replace("\r\n", "\n"));
    }

    [Fact]
    public void Inspect_FailsWithExitOneForMissingFile()
    {
        var path = Path.Combine(folder, "absent.pth");
        var (code, _, error) = CliRunner.Run("weights", "inspect", path);
        Assert.Equal(1, code);
        Assert.Equal($"error: FILE '{path}' does not exist; expected a .pth checkpoint or a .safetensors file\n", error.Replace("\r\n", "\n"));
    }

    [Fact]
    public void Convert_RefusesToOverwriteItsInput()
    {
        var path = Path.Combine(folder, "same.safetensors");
        using (var dict = new TensorDictionary())
        {
            dict.Add("w", torch.zeros(2));
            SafeTensors.Save(path, dict);
        }
        var (code, _, error) = CliRunner.Run("weights", "convert", path, path);
        Assert.Equal(1, code);
        Assert.Contains("the output would overwrite the input", error);
    }

    [Fact]
    public void Convert_FailsWithExitOneForMissingInput()
    {
        var (code, _, error) = CliRunner.Run("weights", "convert", Path.Combine(folder, "in.pth"), Path.Combine(folder, "out.safetensors"));
        Assert.Equal(1, code);
        Assert.Contains("in.pth' does not exist", error);
        Assert.False(File.Exists(Path.Combine(folder, "out.safetensors")));
    }

    [Fact]
    public void ConvertAndInspect_ReadAPyTorchCheckpoint()
    {
        // torch.save's layout of {"fc.weight": (2, 2) float32, "fc.bias": (2,) int64}, written by hand.
        var pickle = new PickleBytes().Proto(2).EmptyOrderedDict().Op('(')
            .Str("fc.weight").Tensor("FloatStorage", "0", 4, 0, [2, 2], [2, 1])
            .Str("fc.bias").Tensor("LongStorage", "1", 2, 0, [2], [1])
            .Op('u').Op('.').ToArray();
        var pth = PickleBytes.Zip(Path.Combine(folder, "tiny.pth"), "tiny", pickle,
            ("0", new float[] { 1, 2, 3, 4 }.SelectMany(BitConverter.GetBytes).ToArray()),
            ("1", new long[] { 5, -6 }.SelectMany(BitConverter.GetBytes).ToArray()));

        var (code, output, error) = CliRunner.Run("weights", "inspect", pth);
        Assert.True(code == 0, error);
        Assert.Equal("fc.weight\tfloat32\t[2, 2]\nfc.bias\tint64\t[2]\n2 tensors, 6 values (pytorch checkpoint)\n", output.Replace("\r\n", "\n"));

        var converted = Path.Combine(folder, "tiny.safetensors");
        (code, output, error) = CliRunner.Run("weights", "convert", pth, converted);
        Assert.True(code == 0, error);
        Assert.Equal($"wrote {converted}: 2 tensors, 6 values\n", output.Replace("\r\n", "\n"));
        using var tensors = SafeTensors.Load(converted);
        Assert.Equal(new float[] { 1, 2, 3, 4 }, tensors["fc.weight"].data<float>().ToArray());
        Assert.Equal(new long[] { 5, -6 }, tensors["fc.bias"].data<long>().ToArray());
        Assert.Equal("tiny.pth", SafeTensors.ReadMetadata(converted)["source"]);
    }
}
