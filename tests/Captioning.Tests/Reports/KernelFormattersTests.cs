using Captioning.Reports;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive.Formatting;
using Xunit;
using GenericChart = Plotly.NET.GenericChart;

namespace Captioning.Tests.Reports;

/// <summary>
/// What a .NET Interactive kernel shows for the library's values, through the same Formatter the kernel uses
/// (Microsoft.DotNet.Interactive.Formatting, the version the kernels ship).
/// </summary>
public class KernelFormattersTests
{
    [Fact]
    public void DataFrame_FormatsAsOurHtmlTable()
    {
        KernelFormatters.EnsureRegistered();
        var frame = new DataFrame(new StringDataFrameColumn("model", ["merge"]), new DoubleDataFrameColumn("BLEU-4", [25.5]));
        Assert.Equal(FrameHtml.ToHtml(frame), frame.ToDisplayString(HtmlFormatter.MimeType));
        // A sorted or filtered frame, what a reader makes in the next cell, is a DataFrame too.
        Assert.Equal(FrameHtml.ToHtml(frame.OrderBy("BLEU-4")), frame.OrderBy("BLEU-4").ToDisplayString(HtmlFormatter.MimeType));
        Assert.Equal(frame.ToString(), frame.ToDisplayString(PlainTextFormatter.MimeType));
    }

    [Fact]
    public void Figure_KeepsOurFormatterEvenWhenAnotherOwnsPlotlyNetCharts()
    {
        KernelFormatters.EnsureRegistered();
        var figure = new Figure("t").AddLine("a", [1, 2], [3, 4]);
        var chart = PlotlyJs.RemoveLoaders(figure.Chart.ToDisplayString(HtmlFormatter.MimeType));
        Assert.StartsWith("<div class=\"plotly-figure\"", chart);
        Assert.Contains("Plotly.newPlot(", chart);
        try
        {
            // Plotly.NET.Interactive's extension registers this for every GenericChart: require.js, then plotly.js from a CDN.
            Formatter.Register<GenericChart>((_, writer) => writer.Write("<script>requirejs.config({paths:{plotly:'https://cdn.plot.ly/plotly-3.0.1.min'}})</script>"), HtmlFormatter.MimeType);
            var html = PlotlyJs.RemoveLoaders(figure.ToDisplayString(HtmlFormatter.MimeType));
            Assert.StartsWith("<div class=\"plotly-figure\"", html);
            Assert.DoesNotContain("cdn", html, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("Figure 't': scatter 'a'", figure.ToDisplayString(PlainTextFormatter.MimeType));
        }
        finally
        {
            Formatter.ResetToDefault();
            KernelFormatters.Register();
        }
    }
}
