using Captioning.Reports;
using Microsoft.Data.Analysis;
using Xunit;

namespace Captioning.Tests.Reports;

public class FrameHtmlTests
{
    [Fact]
    public void ToHtml_WritesHeaderIndexAndRightAlignedNumbers()
    {
        var frame = new DataFrame(new StringDataFrameColumn("model", ["merge", "a<b"]), new DoubleDataFrameColumn("CIDEr-D", [12.345678, null]),
            new DoubleDataFrameColumn("rate", [0.0005, 2]),
            new Int32DataFrameColumn("epoch", [1, 2]));
        Assert.Equal(
            "<div class=\"data-frame\" style=\"overflow-x:auto\"><table class=\"data-frame\" style=\"white-space:nowrap\"><thead><tr><th></th><th>model</th><th>CIDEr-D</th><th>rate</th><th>epoch</th></tr></thead><tbody>" +
            "<tr><th>0</th><td>merge</td><td style=\"text-align:right\">12.346</td><td style=\"text-align:right\">0.0005</td><td style=\"text-align:right\">1</td></tr>" +
            "<tr><th>1</th><td>a&lt;b</td><td style=\"text-align:right\">–</td><td style=\"text-align:right\">2</td><td style=\"text-align:right\">2</td></tr>" +
            "</tbody></table><p class=\"data-frame-size\">2 rows x 4 columns</p></div>",
            FrameHtml.ToHtml(frame));
    }

    [Fact]
    public void ToHtml_ShowsTheFirstRowsAndSaysHowManyMore()
    {
        var frame = new DataFrame(new Int32DataFrameColumn("n", Enumerable.Range(0, FrameHtml.MaxRows + 10)));
        var html = FrameHtml.ToHtml(frame);
        Assert.Equal(FrameHtml.MaxRows, System.Text.RegularExpressions.Regex.Matches(html, "<tr><th>[0-9]+</th>").Count);
        Assert.Contains($"<tr><th>{FrameHtml.MaxRows - 1}</th>", html);
        Assert.Contains($"{FrameHtml.MaxRows + 10} rows x 1 columns; the first {FrameHtml.MaxRows} shown: filter or sort it in the next cell", html);
    }
}
