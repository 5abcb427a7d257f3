using System.Reflection;
using Captioning.Notebooks;
using Captioning.Reports;
using Xunit;

namespace Captioning.Tests.Notebooks;

public class RichOutputTests
{
    private sealed class Card : IHtmlRenderable
    {
        public string ToHtml() => "<b>card</b>";

        public override string ToString() => "card";
    }

    [Fact]
    public void Format_UsesToHtmlAndToString()
    {
        Assert.Equal(new Dictionary<string, string> { ["text/plain"] = "card", ["text/html"] = "<b>card</b>" }, RichOutput.Format(new Card()));
    }

    [Fact]
    public void Format_AddsPngForPngRenderables()
    {
        var bundle = RichOutput.Format(new PngImage([1, 2, 3], "x<y"));
        Assert.Equal("AQID", bundle["image/png"]);
        Assert.Equal("<img alt=\"x&lt;y\" src=\"data:image/png;base64,AQID\">", bundle["text/html"]);
        Assert.Equal("PNG image 'x<y' (3 bytes)", bundle["text/plain"]);
    }

    [Theory]
    [InlineData(null, "null")]
    [InlineData(true, "true")]
    [InlineData(2.5, "2.5")]
    [InlineData("text", "text")]
    public void Format_WritesPlainTextForOtherValues(object? value, string text)
    {
        Assert.Equal(new Dictionary<string, string> { ["text/plain"] = text }, RichOutput.Format(value));
    }

    [Fact]
    public void FigureDeclaresThePolyglotFormatterConventionByName()
    {
        // What .NET Interactive does: find the attribute by name, create the source, ask its formatters.
        var attribute = typeof(Figure).GetCustomAttributes().Single(a => a.GetType().Name == "TypeFormatterSourceAttribute");
        var sourceType = (Type)attribute.GetType().GetProperty("FormatterSourceType")!.GetValue(attribute)!;
        Assert.Equal(["text/html"], (string[])attribute.GetType().GetProperty("PreferredMimeTypes")!.GetValue(attribute)!);
        var source = Activator.CreateInstance(sourceType, nonPublic: true)!;
        var formatters = ((IEnumerable<object>)sourceType.GetMethod("CreateTypeFormatters")!.Invoke(source, null)!).ToList();
        var figure = new Figure("t").AddLine("a", [1], [2]);
        var written = formatters.ToDictionary(
            f => (string)f.GetType().GetProperty("MimeType")!.GetValue(f)!,
            f =>
            {
                var writer = new StringWriter();
                Assert.True((bool)f.GetType().GetMethod("Format")!.Invoke(f, [figure, writer])!);
                return writer.ToString();
            });
        Assert.Equal("Figure 't': scatter 'a'", written["text/plain"]);
        // The process's first chart formatted this way also carries plotly.js; the chart follows it.
        Assert.StartsWith("<div class=\"plotly-figure\"", PlotlyJs.RemoveLoaders(written["text/html"]));
    }
}
