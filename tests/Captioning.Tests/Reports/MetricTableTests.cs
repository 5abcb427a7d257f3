using Captioning.Reports;
using Xunit;

namespace Captioning.Tests.Reports;

public class MetricTableTests
{
    private static MetricTable Sample() =>
        new MetricTable(["BLEU-4", "CIDEr"], "Test <split>", decimals: 2)
            .AddRow("merge", [0.2, 0.5], [(0.15, 0.25), (0.4, 0.6)])
            .AddRow("inject & co", [0.25, 0.45]);

    [Fact]
    public void ToHtml_RendersEscapedTableWithBestValuesMarked()
    {
        Assert.Equal(
            "<table class=\"metric-table\"><caption>Test &lt;split&gt;</caption><thead><tr><th></th><th>BLEU-4</th><th>CIDEr</th></tr></thead><tbody>" +
            "<tr><th>merge</th><td>0.20<span class=\"ci\"> [0.15, 0.25]</span></td><td class=\"best\">0.50<span class=\"ci\"> [0.40, 0.60]</span></td></tr>" +
            "<tr><th>inject &amp; co</th><td class=\"best\">0.25</td><td>0.45</td></tr></tbody></table>",
            Sample().ToHtml());
    }

    [Fact]
    public void ToHtml_MarksNothingWhenMarkBestIsOff()
    {
        var table = new MetricTable(["BLEU-4"], decimals: 1) { MarkBest = false }.AddRow("a - b", [2.0]).AddRow("a - c", [-1.0]);

        Assert.Equal(
            "<table class=\"metric-table\"><thead><tr><th></th><th>BLEU-4</th></tr></thead><tbody>" +
            "<tr><th>a - b</th><td>2.0</td></tr><tr><th>a - c</th><td>-1.0</td></tr></tbody></table>",
            table.ToHtml());
    }

    [Fact]
    public void ToString_AlignsColumns()
    {
        Assert.Equal(
            "Test <split>\n" +
            new string(' ', 24) + "BLEU-4" + new string(' ', 14) + "CIDEr\n" +
            "merge" + new string(' ', 8) + "0.20 [0.15, 0.25]  0.50 [0.40, 0.60]\n" +
            "inject & co" + new string(' ', 15) + "0.25" + new string(' ', 15) + "0.45",
            Sample().ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void AddRow_ThrowsForWrongValueCount()
    {
        var e = Assert.Throws<CaptioningException>(() => new MetricTable(["BLEU-4", "CIDEr"]).AddRow("merge", [0.1]));
        Assert.Equal("metric table row 'merge' has 1 values but the table has 2 columns (BLEU-4, CIDEr)", e.Message);
    }
}
