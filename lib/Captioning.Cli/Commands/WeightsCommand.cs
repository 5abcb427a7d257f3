using System.CommandLine;
using System.Globalization;
using Captioning.Features;
using Captioning.Weights;
using static TorchSharp.torch;

namespace Captioning.Cli.Commands;

/// <summary>`caption weights convert|inspect`: turn a torchvision .pth into safetensors, list a weights file's tensors.</summary>
internal static class WeightsCommand
{
    internal static Command Create()
    {
        var command = new Command("weights", "Convert or inspect weight files (.pth PyTorch checkpoints, .safetensors).");
        command.Subcommands.Add(Convert());
        command.Subcommands.Add(Inspect());
        return command;
    }

    private static Command Convert()
    {
        var input = new Argument<string>("IN") { Description = "A PyTorch zip checkpoint holding a state dict (torchvision .pth) or a safetensors file." };
        var output = new Argument<string>("OUT") { Description = "The safetensors file to write (atomically)." };
        var command = new Command("convert", "Write every tensor of a .pth state dict to a safetensors file.") { input, output };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            var from = result.GetValue(input)!;
            var to = result.GetValue(output)!;
            InputPaths.File(from, "IN", "a .pth checkpoint or a .safetensors file");
            InputPaths.OutputFile(to, "OUT");
            if (Path.GetFullPath(from) == Path.GetFullPath(to)) throw new CaptioningException($"'{to}': the output would overwrite the input; choose another OUT path");
            TorchRuntime.EnsureLoaded();
            using var tensors = EncoderWeights.ReadTensors(from);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = "pt", ["source"] = Path.GetFileName(from) };
            SafeTensors.Save(to, tensors, metadata);
            Console.WriteLine($"wrote {to}: {tensors.Count} tensors, {tensors.Values.Sum(t => t.numel()).ToString(CultureInfo.InvariantCulture)} values");
        }));
        return command;
    }

    private static Command Inspect()
    {
        var file = new Argument<string>("FILE") { Description = "A .pth PyTorch checkpoint or a .safetensors file." };
        var command = new Command("inspect", "List the keys, dtypes and shapes of a weights file, in file order.") { file };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            var path = result.GetValue(file)!;
            InputPaths.File(path, "FILE", "a .pth checkpoint or a .safetensors file");
            var entries = new List<(string Key, ScalarType DType, long[] Shape)>();
            string format;
            if (EncoderWeights.IsPyTorchCheckpoint(path))
            {
                format = "pytorch checkpoint";
                TorchRuntime.EnsureLoaded();
                using var tensors = PthCheckpoint.Load(path);
                entries.AddRange(tensors.Select(kv => (kv.Key, kv.Value.dtype, kv.Value.shape)));
            }
            else
            {
                format = "safetensors";
                entries.AddRange(SafeTensors.ReadHeader(path).Select(info => (info.Name, info.DType, info.Shape)));
            }
            foreach (var (key, dtype, shape) in entries)
                Console.WriteLine($"{key}\t{TorchName(dtype)}\t[{string.Join(", ", shape)}]");
            var values = entries.Sum(e => e.Shape.Aggregate(1L, (a, b) => a * b));
            Console.WriteLine($"{entries.Count} tensors, {values.ToString(CultureInfo.InvariantCulture)} values ({format})");
        }));
        return command;
    }

    // PyTorch's name of the dtype (torch.uint8, not TorchSharp's ScalarType.Byte), as the listing always printed.
    private static string TorchName(ScalarType dtype) => dtype == ScalarType.Byte ? "uint8" : dtype.ToString().ToLowerInvariant();
}
