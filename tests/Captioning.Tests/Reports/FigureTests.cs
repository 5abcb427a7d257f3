using System.Text.Json.Nodes;
using Captioning.Reports;
using GenericChart = Plotly.NET.GenericChart;
using Font = Plotly.NET.Font;
using Xunit;

namespace Captioning.Tests.Reports;

public class FigureTests
{
    private static JsonNode Parse(Figure figure) => JsonNode.Parse(figure.ToJson())!;

    private static JsonArray Traces(JsonNode figure) => figure["data"]!.AsArray();

    private static double?[] Numbers(JsonNode? array) => array!.AsArray().Select(v => v is null ? (double?)null : (double)v).ToArray();

    private static string[] Strings(JsonNode? array) => array!.AsArray().Select(v => (string)v!).ToArray();

    [Fact]
    public void ToJson_WritesLineTracesAndLayoutTitles()
    {
        var figure = new Figure("Loss", "epoch", "loss").AddLine("merge", [1, 2], [0.5, 0.25]).AddLine("inject", [1, 2], [0.75, double.NaN]);
        var json = Parse(figure);
        var traces = Traces(json);
        Assert.Equal(2, traces.Count);
        Assert.Equal(["scatter", "scatter"], traces.Select(t => (string)t!["type"]!));
        Assert.Equal(["lines+markers", "lines+markers"], traces.Select(t => (string)t!["mode"]!));
        Assert.Equal(["merge", "inject"], traces.Select(t => (string)t!["name"]!));
        Assert.Equal([1.0, 2.0], Numbers(traces[0]!["x"]));
        Assert.Equal([0.5, 0.25], Numbers(traces[0]!["y"]));
        Assert.Equal([0.75, null], Numbers(traces[1]!["y"])); // NaN is a gap, and the JSON stays JSON
        var layout = json["layout"]!;
        Assert.Equal("Loss", (string?)layout["title"]!["text"]);
        Assert.Equal("epoch", (string?)layout["xaxis"]!["title"]!["text"]);
        Assert.Equal("loss", (string?)layout["yaxis"]!["title"]!["text"]);
        Assert.True((bool)layout["showlegend"]!);
        Assert.Equal(420, (int)layout["height"]!);
        Assert.Null(layout["barmode"]);
        Assert.Null(layout["template"]); // Plotly.NET's default template (and its own colours) stay out
        Assert.Equal(["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"], Strings(layout["colorway"]));
    }

    [Fact]
    public void ToJson_WritesGroupedBarsWithErrorBars()
    {
        var figure = new Figure("Scores").AddBar("merge", ["BLEU-1", "BLEU-4"], [0.6, 0.2], [0.05, 0.01]).AddBar("inject", ["BLEU-1", "BLEU-4"], [0.55, 0.25]);
        var json = Parse(figure);
        var traces = Traces(json);
        Assert.Equal(["bar", "bar"], traces.Select(t => (string)t!["type"]!));
        Assert.Equal(["merge", "inject"], traces.Select(t => (string)t!["name"]!));
        Assert.Equal(["BLEU-1", "BLEU-4"], Strings(traces[0]!["x"]));
        Assert.Equal([0.6, 0.2], Numbers(traces[0]!["y"]));
        Assert.Equal("data", (string?)traces[0]!["error_y"]!["type"]);
        Assert.Equal([0.05, 0.01], Numbers(traces[0]!["error_y"]!["array"]));
        Assert.True((bool)traces[0]!["error_y"]!["visible"]!);
        Assert.Equal([0.55, 0.25], Numbers(traces[1]!["y"]));
        Assert.Null(traces[1]!["error_y"]);
        Assert.Equal("group", (string?)json["layout"]!["barmode"]);
        Assert.Equal(0.25, (double)json["layout"]!["bargap"]!);
    }

    [Fact]
    public void ToJson_WritesHistogramWithBinCount()
    {
        var json = Parse(new Figure().AddHistogram("length", [3, 4, 4, 9], bins: 5));
        var trace = Assert.Single(Traces(json))!;
        Assert.Equal(("histogram", "length", 5), ((string?)trace["type"], (string?)trace["name"], (int)trace["nbinsx"]!));
        Assert.Equal([3.0, 4, 4, 9], Numbers(trace["x"]));
        Assert.False((bool)json["layout"]!["showlegend"]!);
        Assert.Null(json["layout"]!["title"]);
        Assert.Equal(0.06, (double)json["layout"]!["bargap"]!);
    }

    [Fact]
    public void ToJson_HistogramsWithSharedEdgesBinAlike()
    {
        var json = Parse(new Figure().AddHistogram("a", [0.1, 2.5], edges: (0, 0.5)).AddHistogram("b", [4.0], edges: (0, 0.5)));
        var traces = Traces(json);
        Assert.Equal(["a", "b"], traces.Select(t => (string)t!["name"]!));
        Assert.Equal([0.1, 2.5], Numbers(traces[0]!["x"]));
        Assert.Equal([4.0], Numbers(traces[1]!["x"]));
        Assert.All(traces, t => Assert.Equal((0.0, 0.5), ((double)t!["xbins"]!["start"]!, (double)t["xbins"]!["size"]!)));
        Assert.Equal("group", (string?)json["layout"]!["barmode"]); // overlaid opaque bars would hide each other
        var e = Assert.Throws<CaptioningException>(() => new Figure().AddHistogram("c", [1], edges: (0, 0)));
        Assert.Equal("histogram 'c': bin width must be positive and the start finite, got start 0, width 0", e.Message);
    }

    [Fact]
    public void ToJson_SplitsScatterIntoOneTracePerGroupInFirstSeenOrder()
    {
        var traces = Traces(Parse(new Figure().AddScatter([1, 2, 3, 4], [5, 6, 7, 8], ["dog", "cat", "dog", "cat"], ["a", "b", "c", "d"])));
        Assert.Equal(["dog", "cat"], traces.Select(t => (string)t!["name"]!));
        Assert.Equal(["markers", "markers"], traces.Select(t => (string)t!["mode"]!));
        Assert.Equal([1.0, 3], Numbers(traces[0]!["x"]));
        Assert.Equal([5.0, 7], Numbers(traces[0]!["y"]));
        Assert.Equal(["a", "c"], Strings(traces[0]!["text"]));
        Assert.Equal([2.0, 4], Numbers(traces[1]!["x"]));
        Assert.Equal(["b", "d"], Strings(traces[1]!["text"]));
    }

    [Fact]
    public void Chart_IsAFreshPlotlyNetChartEachTime()
    {
        var figure = new Figure("t").AddLine("a", [1], [2]).AddBar("b", ["x"], [3]);
        var first = figure.Chart;
        Assert.Equal(2, GenericChart.countTrace(first));
        // Restyling one chart through Plotly.NET must not leak into the figure or the next chart.
        var restyled = Plotly.NET.Chart.withTitle("other", Microsoft.FSharp.Core.FSharpOption<Font>.None).Invoke(first);
        Assert.Contains("other", GenericChart.toJson(restyled));
        Assert.Equal("t", (string?)Parse(figure)["layout"]!["title"]!["text"]);
    }

    [Fact]
    public void ToJson_OfAnEmptyFigureHasNoTraces()
    {
        var json = Parse(new Figure("nothing yet"));
        Assert.Empty(Traces(json));
        Assert.Equal("nothing yet", (string?)json["layout"]!["title"]!["text"]);
    }

    [Fact]
    public void AddLine_ThrowsForLengthMismatchNamingTheTrace()
    {
        var e = Assert.Throws<CaptioningException>(() => new Figure().AddLine("merge", [1, 2, 3], [1, 2]));
        Assert.Equal("figure trace 'merge': x has 3 values but y has 2; they must match", e.Message);
    }

    [Fact]
    public void ToHtml_DrawsWhenPlotlyIsThereOrQueuesWithEscapedJson()
    {
        var html = new Figure("</script><b>").AddLine("a", [1], [2]).ToHtml();
        Assert.Matches("^<div class=\"plotly-figure\" id=\"(fig-[0-9a-f]{12})\" style=\"height:420px\"></div>\n<script>.*Plotly.newPlot\\(\"\\1\", ", html);
        Assert.Contains("if (window.Plotly) draw(); else (window.captionPlotlyQueue = window.captionPlotlyQueue || []).push(draw);", html);
        Assert.Contains("\"text\":\"\\u003C/script\\u003E\\u003Cb\\u003E\"", html);
        Assert.DoesNotContain("</script><b>", html);
        Assert.DoesNotContain("cdn", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("require", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ToJson_PutsAnAddedPanelOnItsOwnAxesWithOneColourAndLegendEntryPerSeries()
    {
        var figure = new Figure("Scores", "metric", "score").AddPanel("", "CIDEr-D", width: 0.2)
            .AddBar("merge", ["BLEU-1"], [60]).AddBar("merge", ["CIDEr-D"], [150], panel: 1)
            .AddBar("inject", ["BLEU-1"], [55]).AddBar("inject", ["CIDEr-D"], [120], panel: 1);
        var json = Parse(figure);
        var traces = Traces(json);
        Assert.Equal([null, "x2", null, "x2"], traces.Select(t => (string?)t!["xaxis"]));
        Assert.Equal([null, "y2", null, "y2"], traces.Select(t => (string?)t!["yaxis"]));
        // The same series keeps its palette colour in both panels (plotly's colorway would give the 3rd trace a 3rd colour).
        Assert.Equal(["#0072B2", "#0072B2", "#E69F00", "#E69F00"], traces.Select(t => (string)t!["marker"]!["color"]!));
        Assert.Equal(["merge", "merge", "inject", "inject"], traces.Select(t => (string)t!["legendgroup"]!));
        Assert.Equal([true, false, true, false], traces.Select(t => (bool)t!["showlegend"]!));
        // The first panel ends where the gap before the 0.2-wide second one begins: 1 - 0.2 - 0.08.
        var layout = json["layout"]!;
        Assert.Equal([0, 0.72], Numbers(layout["xaxis"]!["domain"]).Select(v => Math.Round(v!.Value, 9)));
        Assert.Equal([0.8, 1], Numbers(layout["xaxis2"]!["domain"]).Select(v => Math.Round(v!.Value, 9)));
        Assert.Equal(("y2", "x2"), ((string?)layout["xaxis2"]!["anchor"], (string?)layout["yaxis2"]!["anchor"]));
        Assert.Equal("CIDEr-D", (string?)layout["yaxis2"]!["title"]!["text"]);
        Assert.Equal("score", (string?)layout["yaxis"]!["title"]!["text"]);
    }

    [Fact]
    public void ToJson_StylesABarSeriesWithItsColourAndPattern()
    {
        var json = Parse(new Figure().AddBar("merge", ["BLEU-1"], [60]).AddBar("baseline: nearest-neighbour", ["BLEU-1"], [40], style: new BarStyle("#9ca3af", "x")));
        var traces = Traces(json);
        Assert.Null(traces[0]!["marker"]?["pattern"]?["shape"]);
        Assert.Null(traces[0]!["marker"]?["color"]); // the layout's colorway colours it
        Assert.Equal("#9ca3af", (string?)traces[1]!["marker"]!["color"]);
        Assert.Equal("x", (string?)traces[1]!["marker"]!["pattern"]!["shape"]);
    }

    [Fact]
    public void ToJson_PutsXTicksExactlyAtTheGivenValues()
    {
        var figure = new Figure().AddLine("merge", [1, 3, 5], [20, 22, 21]);
        Assert.Null(Parse(figure)["layout"]!["xaxis"]!["tickvals"]);
        figure.XTicks = [1, 3, 5];
        var xaxis = Parse(figure)["layout"]!["xaxis"]!;
        Assert.Equal("array", (string?)xaxis["tickmode"]);
        Assert.Equal([1.0, 3, 5], Numbers(xaxis["tickvals"]));
    }

    [Fact]
    public void AddBar_And_AddPanel_RefuseWhatCannotBeDrawn()
    {
        var e = Assert.Throws<CaptioningException>(() => new Figure().AddBar("merge", ["BLEU-1"], [1], panel: 1));
        Assert.Equal("bar series 'merge': panel 1 does not exist; the figure has panels 0 to 0 (add one with AddPanel)", e.Message);
        e = Assert.Throws<CaptioningException>(() => new Figure().AddBar("merge", ["BLEU-1"], [1], style: new BarStyle(Pattern: "#")));
        Assert.StartsWith("bar series 'merge': pattern '#' is not a plotly.js pattern shape", e.Message);
        e = Assert.Throws<CaptioningException>(() => new Figure().AddPanel(null, "CIDEr-D", width: 0.85));
        Assert.Equal("figure panel 'CIDEr-D': width 0.85 must be positive and leave the first panel at least 0.1 of the figure's width; it would leave 0.07", e.Message);
    }
}
