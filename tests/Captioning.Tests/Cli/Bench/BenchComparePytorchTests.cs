using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace Captioning.Tests.Cli.Bench;

public sealed partial class BenchComparePytorchTests : NativeLeakGuard
{
    // | workload | formulation | ours unit | PyTorch unit | ratio (direction) |
    [GeneratedRegex(@"^\| (\w+) \| ([\w-]+) \| ([0-9.E+-]+) ([^|]+) \| ([0-9.E+-]+) ([^|]+) \| ([0-9.E+-]+) \((higher|lower) is better\) \|$")]
    private static partial Regex Row();

    [Fact]
    [Trait("Category", "Slow")]
    [Trait("Category", "Oracle")]
    public void Bench_ComparePytorchDecodePrintsJsonLinesAndPositiveRatios()
    {
        var (code, output, error) = CliRunner.Run("bench", "--compare-pytorch", "--workload", "decode", "--iterations", "1", "--warmup", "0", "--threads", "1");
        Assert.True(code == 0, error);
        var lines = output.Replace("\r\n", "\n").Split('\n');

        using (var ours = JsonDocument.Parse(lines[0]))
        {
            Assert.Equal("decode", ours.RootElement.GetProperty("workload").GetString());
            Assert.Equal("captions/s", ours.RootElement.GetProperty("unit").GetString());
        }
        var variants = new List<string>();
        foreach (var line in lines[1..3])
        {
            using var json = JsonDocument.Parse(line);
            Assert.Equal("pytorch", json.RootElement.GetProperty("implementation").GetString());
            Assert.Equal(1, json.RootElement.GetProperty("threads").GetInt32());
            variants.Add(json.RootElement.GetProperty("variant").GetString()!);
        }
        Assert.Equal(["batched-beam", "naive-beam"], variants);

        Assert.Equal(["", "ratios, ours / PyTorch eager (1 thread):", "", "| workload | PyTorch formulation | ours | PyTorch | ours / PyTorch |", "|---|---|---:|---:|---:|"],
            lines[3..8]);
        var rows = lines[8..].Where(l => l.Length > 0).Select(l => Row().Match(l)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, m => Assert.True(m.Success));
        Assert.Equal(["batched-beam", "naive-beam"], rows.Select(m => m.Groups[2].Value));
        foreach (var m in rows)
        {
            Assert.Equal("decode", m.Groups[1].Value);
            Assert.Equal(["captions/s", "captions/s"], new[] { m.Groups[4].Value, m.Groups[6].Value });
            Assert.Equal("higher", m.Groups[8].Value);
            var ratio = double.Parse(m.Groups[7].Value, CultureInfo.InvariantCulture);
            Assert.True(double.IsFinite(ratio) && ratio > 0, $"ratio {ratio} in: {m.Value}");
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    [Trait("Category", "Oracle")]
    public void Bench_ComparePytorchExtractResNet18MlNetBuildsTheNetworkFromTheOnnxFile()
    {
        var (code, output, error) = CliRunner.Run("bench", "--compare-pytorch", "--workload", "extract", "--encoder", "resnet18-mlnet",
            "--iterations", "1", "--warmup", "0", "--threads", "1");
        Assert.True(code == 0, error);
        var lines = output.Replace("\r\n", "\n").Split('\n');
        using (var ours = JsonDocument.Parse(lines[0]))
        {
            Assert.Equal("extract", ours.RootElement.GetProperty("workload").GetString());
            Assert.Equal("images/s", ours.RootElement.GetProperty("unit").GetString());
        }
        using (var theirs = JsonDocument.Parse(lines[1]))
        {
            Assert.Equal("resnet18-mlnet", theirs.RootElement.GetProperty("variant").GetString());
            Assert.Equal("images/s", theirs.RootElement.GetProperty("unit").GetString());
        }
        var row = Row().Match(lines.Single(l => l.StartsWith("| extract |", StringComparison.Ordinal)));
        Assert.True(row.Success, output);
        Assert.Equal("resnet18-mlnet", row.Groups[2].Value);
        Assert.True(double.Parse(row.Groups[7].Value, CultureInfo.InvariantCulture) > 0, row.Value);
    }
}
