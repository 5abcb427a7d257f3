using Captioning.Tests.Cli;
using System.Text.Json;
using Captioning.Cli.Commands;
using Xunit;

namespace Captioning.Tests.Features;

public sealed class BenchCommandTests : NativeLeakGuard
{
    [Fact]
    public void Bench_FailsWithExitOneListingWorkloadsForUnknownOne()
    {
        var (code, output, error) = CliRunner.Run("bench", "--workload", "paint");
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal($"error: --workload: unknown workload 'paint'; expected one of: {string.Join(", ", BenchCommand.Workloads.Keys)}\n", error.Replace("\r\n", "\n"));
    }

    [Fact]
    public void Format_WritesTheOneLineJsonShape()
    {
        Assert.Equal("{\"workload\":\"extract\",\"rate\":2.346,\"unit\":\"images/s\",\"threads\":2}",
            BenchCommand.Format("extract", new BenchResult(2.34567, "images/s"), 2));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Bench_ExtractPrintsOneJsonLineWithPositiveRate()
    {
        var (code, output, error) = CliRunner.Run("bench", "--workload", "extract", "--threads", "1", "--iterations", "1", "--warmup", "0");
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        using var json = JsonDocument.Parse(lines[0]);
        Assert.Equal(new[] { "workload", "rate", "unit", "threads" }, json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("extract", json.RootElement.GetProperty("workload").GetString());
        Assert.True(json.RootElement.GetProperty("rate").GetDouble() > 0);
        Assert.Equal("images/s", json.RootElement.GetProperty("unit").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("threads").GetInt32());
    }
}
