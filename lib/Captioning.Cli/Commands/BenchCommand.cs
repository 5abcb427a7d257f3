using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Captioning.Torch;

namespace Captioning.Cli.Commands;

/// <summary>Settings every benchmark workload receives.</summary>
/// <param name="Iterations">Timed iterations after warm-up.</param>
/// <param name="Warmup">Untimed iterations first (allocator, oneDNN kernel selection).</param>
internal sealed record BenchSettings(int Iterations, int Warmup);

/// <summary>What a workload measured: <paramref name="Rate"/> items per second in <paramref name="Unit"/>.</summary>
internal sealed record BenchResult(double Rate, string Unit);

/// <summary>
/// `caption bench --workload NAME`: runs one timed workload and prints exactly one JSON line
/// {"workload", "rate", "unit", "threads"}. Timings are printed, never asserted.
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

    internal static Command Create()
    {
        var workload = new Option<string>("--workload") { Description = $"What to time: {string.Join(", ", Workloads.Keys)}.", Required = true };
        var threads = new Option<int>("--threads") { Description = "libtorch intra-op threads (0: all cores).", DefaultValueFactory = _ => 1 };
        var iterations = new Option<int>("--iterations") { Description = "Timed iterations after warm-up.", DefaultValueFactory = _ => 3 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed warm-up iterations.", DefaultValueFactory = _ => 1 };
        var command = new Command("bench", "Time a workload and print one JSON line with its rate.") { workload, threads, iterations, warmup };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            var name = result.GetValue(workload)!;
            if (!Workloads.TryGetValue(name, out var run))
                throw new CaptioningException($"--workload: unknown workload '{name}'; expected one of: {string.Join(", ", Workloads.Keys)}");
            var settings = new BenchSettings(result.GetValue(iterations), result.GetValue(warmup));
            if (settings.Iterations < 1) throw new CaptioningException($"--iterations must be at least 1, got {settings.Iterations}");
            if (settings.Warmup < 0) throw new CaptioningException($"--warmup must be 0 or more, got {settings.Warmup}");
            TorchRuntime.ConfigureThreads(result.GetValue(threads));
            var measured = run(settings);
            Console.WriteLine(Format(name, measured, TorchRuntime.Threads));
        }));
        return command;
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
