using Captioning.Cli.Commands;
using Xunit;

namespace Captioning.Tests.Cli.Bench;

public sealed class RatioTableTests
{
    private const string Source = "bench/pytorch_reference.py";

    [Fact]
    public void Parse_ReadsTheReferenceScriptsLine()
    {
        var m = ReferenceMeasurement.Parse(
            "{\"workload\": \"decode\", \"variant\": \"naive-beam\", \"implementation\": \"pytorch\", \"rate\": 5.75, \"unit\": \"captions/s\", \"threads\": 1}", Source, 2);
        Assert.Equal(new ReferenceMeasurement("decode", "naive-beam", 5.75, "captions/s"), m);
    }

    [Theory]
    [InlineData("torch 1.13", "not JSON")]
    [InlineData("[1, 2]", "not a JSON object")]
    [InlineData("{\"workload\": \"train\", \"rate\": 1, \"unit\": \"tokens/s\"}", "no text \"variant\"")]
    [InlineData("{\"workload\": \"train\", \"variant\": \"unrolled\", \"rate\": 0, \"unit\": \"tokens/s\"}", "\"rate\" is not a positive number")]
    [InlineData("{\"workload\": \"train\", \"variant\": \"unrolled\", \"rate\": \"fast\", \"unit\": \"tokens/s\"}", "\"rate\" is not a positive number")]
    public void Parse_ThrowsNamingScriptAndLineForMalformedLine(string line, string why)
    {
        var e = Assert.Throws<CaptioningException>(() => ReferenceMeasurement.Parse(line, Source, 3));
        Assert.StartsWith($"{Source}, output line 3: {why}", e.Message);
        Assert.EndsWith($"expected one JSON object with \"workload\", \"variant\", \"rate\" and \"unit\", got: {line}", e.Message);
    }

    [Fact]
    public void Build_PairsEveryReferenceVariantWithOurWorkload()
    {
        var rows = RatioTable.Build(
            [("train", new BenchResult(3000, "tokens/s")), ("memory", new BenchResult(900, "MB peak RSS"))],
            [new("train", "teacher-forced", 2400, "tokens/s"), new("train", "unrolled", 400, "tokens/s"), new("memory", "epoch", 1200, "MB peak RSS")]);
        Assert.Equal(
            [new RatioRow("train", "teacher-forced", 3000, 2400, "tokens/s"), new RatioRow("train", "unrolled", 3000, 400, "tokens/s"),
             new RatioRow("memory", "epoch", 900, 1200, "MB peak RSS")],
            rows);
        Assert.Equal([1.25, 7.5, 0.75], rows.Select(r => r.Ratio));
        Assert.Equal([false, false, true], rows.Select(r => r.LowerIsBetter));
    }

    [Fact]
    public void Build_ThrowsForUnitMismatch()
    {
        var e = Assert.Throws<CaptioningException>(() => RatioTable.Build(
            [("extract", new BenchResult(3, "images/s"))], [new("extract", "vgg16-fc7", 2, "images/min")]));
        Assert.Equal("the PyTorch reference reports extract (vgg16-fc7) in 'images/min' but ours is in 'images/s'; the units must be equal", e.Message);
    }

    [Fact]
    public void Build_ThrowsForWorkloadWeDidNotRun()
    {
        var e = Assert.Throws<CaptioningException>(() => RatioTable.Build(
            [("extract", new BenchResult(3, "images/s"))], [new("decode", "naive-beam", 2, "captions/s")]));
        Assert.Equal("the PyTorch reference measured workload 'decode' (naive-beam), which this run did not; expected one of: extract", e.Message);
    }

    [Fact]
    public void Build_ThrowsForWorkloadTheReferenceDidNotMeasure()
    {
        var e = Assert.Throws<CaptioningException>(() => RatioTable.Build(
            [("extract", new BenchResult(3, "images/s")), ("decode", new BenchResult(30, "captions/s"))], [new("extract", "vgg16-fc7", 2, "images/s")]));
        Assert.Equal("the PyTorch reference printed no measurement for workload 'decode'", e.Message);
    }

    [Fact]
    public void Format_WritesMarkdownRowsWithBothRatesUnitsAndDirection()
    {
        var rows = new[]
        {
            new RatioRow("train", "unrolled", 3210.4, 437.26, "tokens/s"),
            new RatioRow("decode", "batched-beam", 25.4049, 33.71, "captions/s"),
            new RatioRow("memory", "epoch", 812.4, 1625, "MB peak RSS"),
        };
        Assert.Equal(
            "ratios, ours / PyTorch eager (2 threads):\n\n" +
            "| workload | PyTorch formulation | ours | PyTorch | ours / PyTorch |\n" +
            "|---|---|---:|---:|---:|\n" +
            "| train | unrolled | 3210 tokens/s | 437 tokens/s | 7.34 (higher is better) |\n" +
            "| decode | batched-beam | 25.4 captions/s | 33.7 captions/s | 0.754 (higher is better) |\n" +
            "| memory | epoch | 812 MB peak RSS | 1625 MB peak RSS | 0.5 (lower is better) |\n",
            RatioTable.Format(rows, 2));
    }

    [Theory]
    [InlineData(0.052345, "0.0523")]
    [InlineData(0.5, "0.5")]
    [InlineData(1.0449, "1.04")]
    [InlineData(12.345, "12.3")]
    [InlineData(3210.6, "3211")]
    public void Figure_KeepsThreeSignificantDigitsBelowHundred(double value, string expected) =>
        Assert.Equal(expected, RatioTable.Figure(value));
}
