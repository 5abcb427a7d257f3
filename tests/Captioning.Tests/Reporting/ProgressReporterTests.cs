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
        // A clock that never moves: no time has passed, so the rate and ETA are unknown.
        var reporter = new ProgressReporter("extract", 8092, "images", output, interactive: false, interval: TimeSpan.Zero, alreadyDone: 92, time: new ManualTime());
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
        var reporter = new ProgressReporter("train", 10, "batches", output, interactive: true, interval: TimeSpan.Zero, time: new ManualTime());
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
        var time = new ManualTime();
        var reporter = new ProgressReporter("x", 1000, "images", TextWriter.Null, interactive: false, alreadyDone: 900, time: time);
        time.Advance(TimeSpan.FromSeconds(10));
        reporter.Report(950);
        // 50 images of this run in 10 s (the 900 resumed ones do not count); 50 left at 5/s.
        Assert.Equal(5.0, reporter.Rate);
        Assert.Equal(10.0, reporter.EtaSeconds);
        Assert.Equal("x 950/1000 (95.0%)  5.00 images/s  ETA 0:10", reporter.Line());
    }

    [Fact]
    public void Rate_FromHundredPerSecondShowsWholeUnitsAndHoursOfEta()
    {
        var time = new ManualTime();
        var reporter = new ProgressReporter("train", 1_000_000, "tokens", TextWriter.Null, interactive: false, time: time);
        time.Advance(TimeSpan.FromSeconds(4));
        reporter.Report(1000);
        Assert.Equal(250.0, reporter.Rate);
        Assert.Equal(3996.0, reporter.EtaSeconds); // 999,000 tokens at 250/s
        Assert.Equal("train 1000/1000000 (0.1%)  250 tokens/s  ETA 1:06:36", reporter.Line());
    }

    [Fact]
    public void Report_PrintsOncePerIntervalOfTheClock()
    {
        var output = new StringWriter();
        var time = new ManualTime();
        var reporter = new ProgressReporter("extract", 100, "images", output, interactive: false, interval: TimeSpan.FromSeconds(10), time: time);
        reporter.Report(0); // the first report always prints
        time.Advance(TimeSpan.FromSeconds(9.9));
        reporter.Report(10); // within the interval: silent
        time.Advance(TimeSpan.FromSeconds(0.1));
        reporter.Report(20); // 10 s after the last line
        time.Advance(TimeSpan.FromSeconds(10));
        reporter.Complete();
        Assert.Equal(
            "extract 0/100 (0.0%)  0.00 images/s  ETA ?\n" +
            "extract 20/100 (20.0%)  2.00 images/s  ETA 0:40\n" +
            "extract 20/100 (20.0%)  1.00 images/s  ETA 1:20\n",
            output.ToString().Replace("\r\n", "\n"));
    }
}
