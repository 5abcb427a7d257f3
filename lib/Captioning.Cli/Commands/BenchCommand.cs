using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TorchSharp;

namespace Captioning.Cli.Commands;

/// <summary>Settings every benchmark workload receives.</summary>
/// <param name="Iterations">Timed iterations after warm-up.</param>
/// <param name="Warmup">Untimed iterations first (allocator, oneDNN kernel selection).</param>
/// <param name="Device">Where the workload's model and tensors live.</param>
/// <param name="Encoder">The extract workload's network (<see cref="ExtractWorkload.Encoders"/>).</param>
internal sealed record BenchSettings(int Iterations, int Warmup, torch.Device Device, string Encoder = ExtractWorkload.DefaultEncoder);

/// <summary>What a workload measured: <paramref name="Rate"/> items per second in <paramref name="Unit"/>.</summary>
internal sealed record BenchResult(double Rate, string Unit);

/// <summary>
/// `caption bench [--workload NAME] [--compare-pytorch]`: runs one or every timed workload and prints one JSON
/// line {"workload", "rate", "unit", "threads"} each; with --compare-pytorch also the PyTorch reference's lines
/// and a table of ratios. Timings are printed, never asserted.
/// </summary>
internal static class BenchCommand
{
    /// <summary>Workload name to its runner; adding a workload is one line here plus its file in Bench/.</summary>
    internal static readonly IReadOnlyDictionary<string, Func<BenchSettings, BenchResult>> Workloads =
        new Dictionary<string, Func<BenchSettings, BenchResult>>(StringComparer.Ordinal)
        {
            ["train"] = TrainWorkload.Run,
            ["decode"] = DecodeWorkload.Run,
            ["extract"] = ExtractWorkload.Run,
            ["memory"] = MemoryWorkload.Run,
        };

    /// <summary>
    /// The order a run of every workload takes: memory first, because its figure is the process's peak
    /// RSS, which the other workloads (VGG16 alone holds half a gigabyte of weights) would otherwise set.
    /// </summary>
    internal static readonly IReadOnlyList<string> RunAllOrder = ["memory", "train", "decode", "extract"];

    internal static Command Create()
    {
        var workload = new Option<string?>("--workload") { Description = $"What to time: {string.Join(", ", Workloads.Keys)} (default: all of them)." };
        var threads = new Option<int>("--threads") { Description = "libtorch intra-op threads (0: all cores); PyTorch gets the same number.", DefaultValueFactory = _ => 1 };
        var iterations = new Option<int>("--iterations") { Description = "Timed iterations after warm-up.", DefaultValueFactory = _ => 3 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed warm-up iterations.", DefaultValueFactory = _ => 1 };
        var compare = new Option<bool>("--compare-pytorch") { Description = $"Also run the workloads in PyTorch eager ({PytorchReference.ScriptName}) and print a table of ratios." };
        var python = new Option<string>("--python") { Description = "Path of the python3 with torch and torchvision that --compare-pytorch uses.", DefaultValueFactory = _ => PytorchReference.DefaultPython };
        var encoder = new Option<string>("--encoder") { Description = $"The extract workload's network: {string.Join(", ", ExtractWorkload.Encoders)}.", DefaultValueFactory = _ => ExtractWorkload.DefaultEncoder };
        var device = DeviceOption.Create();
        var command = new Command("bench", "Time workloads and print one JSON line per measurement (and, with --compare-pytorch, a ratio table).")
        {
            workload, threads, iterations, warmup, compare, python, encoder, device,
        };
        command.SetAction(result => CommandRunner.Run(() => Execute(
            result.GetValue(workload), result.GetValue(iterations), result.GetValue(warmup), result.GetValue(device), result.GetValue(encoder)!,
            result.GetValue(threads), result.GetValue(compare) ? result.GetValue(python)! : null)));
        return command;
    }

    /// <summary>Validates everything (including the device and the PyTorch side) before the first workload, then runs and prints.</summary>
    private static void Execute(string? name, int iterations, int warmup, string? device, string encoder, int threads, string? python)
    {
        if (name != null && !Workloads.ContainsKey(name))
            throw new CaptioningException($"--workload: unknown workload '{name}'; expected one of: {string.Join(", ", Workloads.Keys)}");
        if (iterations < 1) throw new CaptioningException($"--iterations must be at least 1, got {iterations}");
        if (warmup < 0) throw new CaptioningException($"--warmup must be 0 or more, got {warmup}");
        if (threads < 0) throw new CaptioningException($"--threads must be 0 (all cores) or more, got {threads}");
        if (!ExtractWorkload.Encoders.Contains(encoder))
            throw new CaptioningException($"--encoder: unknown encoder '{encoder}' for the extract workload; expected one of: {string.Join(", ", ExtractWorkload.Encoders)}");
        var settings = new BenchSettings(iterations, warmup, DeviceOption.Resolve(device), encoder);
        // Debian's python3-torch is a CPU build: a ratio of our GPU to its CPU would measure the hardware, not the code.
        if (python != null && settings.Device.type != DeviceType.CPU)
            throw new CaptioningException($"--compare-pytorch times PyTorch on the CPU; run it with --device cpu (this run resolved --device to {settings.Device})");
        var reference = python == null ? null : PytorchReference.Prepare(python);
        TorchRuntime.ConfigureThreads(threads);
        var ours = new List<(string, BenchResult)>();
        var theirs = new List<ReferenceMeasurement>();
        foreach (var current in name == null ? RunAllOrder : [name])
        {
            Console.Error.WriteLine($"bench: {current} (ours, {settings.Device})");
            var measured = Workloads[current](settings);
            ours.Add((current, measured));
            Console.WriteLine(Format(current, measured, TorchRuntime.Threads));
            if (reference == null) continue;
            Console.Error.WriteLine($"bench: {current} (PyTorch)");
            theirs.AddRange(reference.Run(current, TorchRuntime.Threads, settings, Console.WriteLine));
        }
        if (reference == null) return;
        Console.WriteLine();
        Console.Write(RatioTable.Format(RatioTable.Build(ours, theirs), TorchRuntime.Threads));
    }

    /// <summary>The one JSON line: {"workload":..,"rate":..,"unit":..,"threads":..}, rate rounded to 3 decimals.</summary>
    internal static string Format(string workload, BenchResult result, int threads)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("workload", workload);
            json.WriteNumber("rate", Math.Round(result.Rate, 3));
            json.WriteString("unit", result.Unit);
            json.WriteNumber("threads", threads);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
