using Captioning.Reports;
using Xunit;

namespace Captioning.Tests.Reports;

public class PlotlyPageTests
{
    private static string Chart(string title) => new Figure(title).AddLine("a", [1, 2], [3, 4]).ToHtml();

    [Fact]
    public void Html_Inline_PutsTheLoaderInFrontOfTheFirstChartOnly()
    {
        var page = new PlotlyPage(inline: true);
        Assert.Equal("<p>prose</p>", page.Html("<p>prose</p>"));
        Assert.False(page.Loaded);
        var first = Chart("one");
        var second = Chart("two");
        Assert.Equal(PlotlyJs.Loader() + first, page.Html(first));
        Assert.True(page.Loaded);
        Assert.Equal(second, page.Html(second));
        // A fragment that already carries the loader (a kernel's first chart) keeps it only where the page needs it.
        Assert.Equal(second, page.Html(PlotlyJs.Loader() + second));
        Assert.Equal(PlotlyJs.Loader() + first, new PlotlyPage(inline: true).Html(PlotlyJs.Loader() + first));
    }

    [Fact]
    public void Html_NotInline_DropsEveryLoaderAndAddsNone()
    {
        var page = new PlotlyPage(inline: false);
        var chart = Chart("one");
        Assert.Equal(chart + "<p>x</p>" + chart, page.Html(PlotlyJs.Loader() + chart + "<p>x</p>" + PlotlyJs.Loader() + chart));
        Assert.False(page.Loaded);
    }

    [Fact]
    public void Loader_InlinesTheLocalPlotlyOnceGuardedAndSafeInsideAScriptElement()
    {
        var loader = PlotlyJs.Loader();
        var local = File.ReadAllText(PlotlyJs.Locate());
        Assert.StartsWith("<script data-caption-plotly=\"inline\">\nif (!window.Plotly) {\n", loader);
        Assert.EndsWith("</script>\n", loader);
        Assert.Contains(local[..200], loader); // the npm copy's banner: plotly.js vN, not a download
        var body = loader["<script data-caption-plotly=\"inline\">".Length..^"</script>\n".Length];
        Assert.DoesNotContain("</script", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<!--", body);
        Assert.Contains(local, body.Replace("\\x3C!--", "<!--", StringComparison.Ordinal)); // the rest is the library, verbatim
        Assert.Contains("window.captionPlotlyQueue = []; q.forEach(function (draw) { draw(); });", loader);
    }
}
