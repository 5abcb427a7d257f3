using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Captioning.Reports;
using Xunit;

namespace Captioning.Tests.Reports;

public class FigureTests
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static JsonNode Parse(Figure figure) => JsonNode.Parse(figure.ToJson())!;

    private static string Data(JsonNode figure) => figure["data"]!.ToJsonString(Relaxed);

    [Fact]
    public void ToJson_WritesLineTracesAndLayoutTitles()
    {
        var figure = new Figure("Loss", "epoch", "loss").AddLine("merge", [1, 2], [0.5, 0.25]).AddLine("inject", [1, 2], [0.75, double.NaN]);
        var json = Parse(figure);
        Assert.Equal(
            """[{"type":"scatter","mode":"lines+markers","name":"merge","x":[1,2],"y":[0.5,0.25]},{"type":"scatter","mode":"lines+markers","name":"inject","x":[1,2],"y":[0.75,null]}]""",
            Data(json));
        var layout = json["layout"]!;
        Assert.Equal("Loss", (string?)layout["title"]!["text"]);
        Assert.Equal("epoch", (string?)layout["xaxis"]!["title"]!["text"]);
        Assert.Equal("loss", (string?)layout["yaxis"]!["title"]!["text"]);
        Assert.True((bool)layout["showlegend"]!);
        Assert.Null(layout["barmode"]);
    }

    [Fact]
    public void ToJson_WritesGroupedBarsWithErrorBars()
    {
        var figure = new Figure("Scores").AddBar("merge", ["BLEU-1", "BLEU-4"], [0.6, 0.2], [0.05, 0.01]).AddBar("inject", ["BLEU-1", "BLEU-4"], [0.55, 0.25]);
        var json = Parse(figure);
        Assert.Equal(
            """[{"type":"bar","name":"merge","x":["BLEU-1","BLEU-4"],"y":[0.6,0.2],"error_y":{"type":"data","array":[0.05,0.01],"visible":true}},{"type":"bar","name":"inject","x":["BLEU-1","BLEU-4"],"y":[0.55,0.25]}]""",
            Data(json));
        Assert.Equal("group", (string?)json["layout"]!["barmode"]);
        Assert.Equal(0.25, (double)json["layout"]!["bargap"]!);
    }

    [Fact]
    public void ToJson_WritesHistogramWithBinCount()
    {
        var json = Parse(new Figure().AddHistogram("length", [3, 4, 4, 9], bins: 5));
        Assert.Equal("""[{"type":"histogram","name":"length","x":[3,4,4,9],"nbinsx":5}]""", Data(json));
        Assert.False((bool)json["layout"]!["showlegend"]!);
        Assert.Null(json["layout"]!["title"]);
    }

    [Fact]
    public void ToJson_HistogramsWithSharedEdgesBinAlike()
    {
        var figure = new Figure().AddHistogram("a", [0.1, 2.5], edges: (0, 0.5)).AddHistogram("b", [4.0], edges: (0, 0.5));
        Assert.Equal(
            """[{"type":"histogram","name":"a","x":[0.1,2.5],"xbins":{"start":0,"size":0.5}},{"type":"histogram","name":"b","x":[4],"xbins":{"start":0,"size":0.5}}]""",
            Data(Parse(figure)));
        Assert.Equal("group", (string?)Parse(figure)["layout"]!["barmode"]); // overlaid opaque bars would hide each other
        var e = Assert.Throws<CaptioningException>(() => new Figure().AddHistogram("c", [1], edges: (0, 0)));
        Assert.Equal("histogram 'c': bin width must be positive and the start finite, got start 0, width 0", e.Message);
    }

    [Fact]
    public void ToJson_SplitsScatterIntoOneTracePerGroupInFirstSeenOrder()
    {
        var figure = new Figure().AddScatter([1, 2, 3, 4], [5, 6, 7, 8], ["dog", "cat", "dog", "cat"], ["a", "b", "c", "d"]);
        Assert.Equal(
            """[{"type":"scatter","mode":"markers","name":"dog","x":[1,3],"y":[5,7],"text":["a","c"]},{"type":"scatter","mode":"markers","name":"cat","x":[2,4],"y":[6,8],"text":["b","d"]}]""",
            Data(Parse(figure)));
    }

    [Fact]
    public void AddLine_ThrowsForLengthMismatchNamingTheTrace()
    {
        var e = Assert.Throws<CaptioningException>(() => new Figure().AddLine("merge", [1, 2, 3], [1, 2]));
        Assert.Equal("figure trace 'merge': x has 3 values but y has 2; they must match", e.Message);
    }

    [Fact]
    public void ToHtml_CallsNewPlotWithEscapedJson()
    {
        var html = new Figure("</script><b>").AddLine("a", [1], [2]).ToHtml();
        Assert.Matches("^<div class=\"plotly-figure\" id=\"(fig-[0-9]+)\" style=\"height:420px\"></div>\n<script>Plotly.newPlot\\(\"\\1\", ", html);
        Assert.Contains("\"text\":\"\\u003C/script\\u003E\\u003Cb\\u003E\"", html);
        Assert.DoesNotContain("</script><b>", html);
    }
}
