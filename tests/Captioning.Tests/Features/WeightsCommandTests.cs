using Captioning.Tests.Cli;
using Captioning.Torch;
using Captioning.Torch.Serialization;
using Xunit;

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
            dict.Add("conv.weight", Tensor.Zeros([8, 3, 3, 3]));
            dict.Add("bn.num_batches_tracked", Tensor.Zeros([], DType.Int64));
            dict.Add("head.bias", Tensor.Zeros([5], DType.Float16));
            SafeTensors.Save(path, dict);
        }
        var (code, output, error) = CliRunner.Run("weights", "inspect", path);
        Assert.True(code == 0, error);
        // safetensors orders by alignment (8-byte int64 first), then by name.
        Assert.Equal(
            "bn.num_batches_tracked\tint64\t[]\nconv.weight\tfloat32\t[8, 3, 3, 3]\nhead.bias\tfloat16\t[5]\n3 tensors, 222 values (safetensors)\n",
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
            dict.Add("w", Tensor.Zeros([2]));
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
}
