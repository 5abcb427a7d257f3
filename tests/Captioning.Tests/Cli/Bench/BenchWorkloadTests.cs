using System.Globalization;
using System.Text.Json;
using Captioning.Cli.Commands;
using Xunit;

namespace Captioning.Tests.Cli.Bench;

/// <summary>The `train` and `memory` workloads of `caption bench` run and report a row of the documented shape; no speed is asserted.</summary>
[Trait("Category", "Slow")]
public sealed class BenchWorkloadTests : NativeLeakGuard
{
    private static readonly string[] RowKeys = ["workload", "rate", "unit", "threads"];

    // A figure of /proc/self/status in MB (VmRSS: now, VmHWM: the peak so far).
    private static double Status(string field) =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;

    [Fact]
    public void Bench_TrainPrintsOneRowWithAPositiveTokenRate()
    {
        var (code, output, error) = CliRunner.Run("bench", "--workload", "train", "--threads", "1", "--iterations", "1", "--warmup", "0");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        var row = json.RootElement;
        Assert.Equal(RowKeys, row.EnumerateObject().Select(p => p.Name));
        Assert.Equal("train", row.GetProperty("workload").GetString());
        Assert.Equal("tokens/s", row.GetProperty("unit").GetString());
        Assert.Equal(1, row.GetProperty("threads").GetInt32());
        var rate = row.GetProperty("rate").GetDouble();
        Assert.True(double.IsFinite(rate) && rate > 0, $"rate {rate}");
        // --device defaults to auto, which is the CPU on a machine without CUDA.
        Assert.Contains("bench: train (ours, cpu)", error);
    }

    [Fact]
    public void Bench_DecodeOnTheCpuDevicePrintsOneRowWithAPositiveCaptionRate()
    {
        var (code, output, error) = CliRunner.Run("bench", "--workload", "decode", "--device", "cpu", "--threads", "1", "--iterations", "1", "--warmup", "0");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        var row = json.RootElement;
        Assert.Equal(RowKeys, row.EnumerateObject().Select(p => p.Name));
        Assert.Equal("decode", row.GetProperty("workload").GetString());
        Assert.Equal("captions/s", row.GetProperty("unit").GetString());
        var rate = row.GetProperty("rate").GetDouble();
        Assert.True(double.IsFinite(rate) && rate > 0, $"rate {rate}");
        Assert.Contains("bench: decode (ours, cpu)", error);
    }

    [Fact]
    public void MemoryWorkload_ReportsThePeakResidentSetOfItsEpoch()
    {
        // The bench's epoch is Flickr8k-sized (minutes); 60 images run the same trainer, checkpoints and clean-up.
        var before = Status("VmRSS");
        var leftovers = Directory.GetDirectories(Path.GetTempPath(), "caption-bench-memory-*").ToHashSet();
        var result = MemoryWorkload.Run(new BenchSettings(1, 0, TorchSharp.torch.CPU), images: 60);
        var peak = Status("VmHWM");
        Assert.Equal("MB peak RSS", result.Unit);
        // A peak: at least what the process held before the epoch, at most the peak read just after.
        Assert.InRange(result.Rate, before, peak);
        Assert.Equal(leftovers, Directory.GetDirectories(Path.GetTempPath(), "caption-bench-memory-*").ToHashSet());

        using var json = JsonDocument.Parse(BenchCommand.Format("memory", result, 1));
        Assert.Equal(RowKeys, json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Math.Round(result.Rate, 3), json.RootElement.GetProperty("rate").GetDouble());
        Assert.Equal("MB peak RSS", json.RootElement.GetProperty("unit").GetString());
    }
}
