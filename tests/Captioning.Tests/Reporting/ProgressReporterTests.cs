using System.Diagnostics;
using Captioning.Reporting;
using Xunit;

namespace Captioning.Tests.Reporting;

public sealed class ProgressReporterTests
{
    [Theory]
    [InlineData(null, "?")]
    [InlineData(59.4, "0:59")]
    [InlineData(125.0, "2:05")]
    [InlineData(3723.0, "1:02:03")]
    public void FormatDuration_WritesMinutesOrHours(double? seconds, string expected) =>
        Assert.Equal(expected, ProgressReporter.FormatDuration(seconds));

    [Fact]
    public void Report_PlainLinesWithExtraFields()
    {
        var output = new StringWriter();
        // A clock that never started: no time has passed, so the rate and ETA are unknown.
        var reporter = new ProgressReporter("extract", 8092, "images", output, interactive: false, interval: TimeSpan.Zero, alreadyDone: 92, clock: new Stopwatch());
        reporter.Report(100, ("skipped", "1"));
        reporter.Complete(("skipped", "2"));
        reporter.Complete();
        Assert.Equal(
            "extract 100/8092 (1.2%)  0.00 images/s  ETA ?  skipped 1\n" +
            "extract 100/8092 (1.2%)  0.00 images/s  ETA ?  skipped 2\n",
            output.ToString().Replace("\r\n", "\n"));
    }

    [Fact]
    public void Report_RewritesOneLineOnATerminal()
    {
        var output = new StringWriter();
        var reporter = new ProgressReporter("train", 10, "batches", output, interactive: true, interval: TimeSpan.Zero, clock: new Stopwatch());
        reporter.Report(5, ("loss", "0.1234"));
        reporter.Report(10);
        reporter.Complete();
        var text = output.ToString();
        Assert.Equal(3, text.Count(c => c == '\r'));
        Assert.EndsWith("train 10/10 (100.0%)  0.00 batches/s  ETA ?" + Environment.NewLine, text);
        Assert.Contains("\rtrain 10/10 (100.0%)  0.00 batches/s  ETA ?" + new string(' ', 11) + "\r", text);
    }

    [Fact]
    public void Rate_CountsOnlyThisRunsWork()
    {
        var clock = Stopwatch.StartNew();
        Thread.Sleep(50);
        var reporter = new ProgressReporter("x", 1000, "images", TextWriter.Null, interactive: false, alreadyDone: 900, clock: clock);
        reporter.Report(950);
        var seconds = clock.Elapsed.TotalSeconds;
        Assert.InRange(reporter.Rate, 50 / (seconds + 1), 50 / 0.05);
        Assert.NotNull(reporter.EtaSeconds);
    }
}
