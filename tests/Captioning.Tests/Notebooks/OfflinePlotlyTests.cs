using Captioning.Notebooks;
using Captioning.Reports;
using Captioning.Tests.Data;
using Captioning.Tests.Reports;
using Xunit;

namespace Captioning.Tests.Notebooks;

/// <summary>
/// plotly.js reaches every page we write from the local npm copy, once: a report folder shares one
/// plotly.min.js, a written notebook carries it inline in its first chart, and Chromium draws both offline.
/// </summary>
public class OfflinePlotlyTests
{
    // Two notebooks as a kernel leaves them: the process's first chart already carries plotly.js inline (only in
    // the first notebook), then more charts and a table.
    private static NotebookRun Run(string name, bool kernelLoader)
    {
        var notebook = DibParser.Parse("#!markdown\n# " + name + "\n#!csharp\nfigures\n#!csharp\ntable", $"/nb/{name}.dib");
        var first = new CellResult(notebook.Cells[1]) { Status = CellStatus.Succeeded, ExecutionCount = 1 };
        var chart = new Figure("one").AddBar("merge", ["BLEU-1", "BLEU-4"], [0.6, 0.2], [0.05, 0.01]).ToHtml();
        first.Outputs.Add(Html((kernelLoader ? PlotlyJs.Loader() : "") + chart));
        first.Outputs.Add(Html(new Figure("two").AddLine("merge", [1, 2], [3, 2]).ToHtml()));
        var second = new CellResult(notebook.Cells[2]) { Status = CellStatus.Succeeded, ExecutionCount = 2 };
        second.Outputs.Add(Html("<table><tr><td>1</td></tr></table>"));
        return new NotebookRun(notebook, [new CellResult(notebook.Cells[0]), first, second], new Dictionary<string, string>(),
            new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromSeconds(1));
    }

    private static CellOutput Html(string html) => new(OutputKind.DisplayData, new Dictionary<string, string> { ["text/plain"] = "x", ["text/html"] = html });

    private static int Count(string text, string part) => text.Split(part).Length - 1;

    [Fact]
    public void ReportFolder_SharesOnePlotlyAndEachNotebookCarriesItOnce()
    {
        using var temp = new TempFolder();
        var runs = new[] { Run("01-a", kernelLoader: true), Run("02-b", kernelLoader: false) };
        foreach (var run in runs) NotebookReport.Write(run, temp.Path);
        NotebookReport.WriteIndex(runs, temp.Path);

        Assert.Equal(["01-a.html", "01-a.ipynb", "02-b.html", "02-b.ipynb", "index.html", "plotly.min.js"],
            Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var page in new[] { "01-a.html", "02-b.html", "index.html" })
        {
            var html = File.ReadAllText(Path.Combine(temp.Path, page));
            Assert.Equal(1, Count(html, "<script src=\"plotly.min.js\"></script>"));
            Assert.Equal(0, Count(html, "data-caption-plotly"));
            Assert.True(html.Length < 100_000, $"{page} holds {html.Length} characters: a copy of plotly.js?");
            Assert.Empty(OfflinePages.CdnReferences(html));
        }
        foreach (var notebook in new[] { "01-a.ipynb", "02-b.ipynb" })
        {
            var text = File.ReadAllText(Path.Combine(temp.Path, notebook));
            var outputs = OfflinePages.NotebookHtml(text);
            Assert.Equal(3, outputs.Count);
            Assert.StartsWith(PlotlyJs.Loader() + "<div class=\"plotly-figure\"", outputs[0]);
            Assert.Equal(1, Count(string.Concat(outputs), "data-caption-plotly"));
            Assert.Empty(OfflinePages.CdnReferences(text));
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void ReportAndNotebookOutputs_DrawTheirChartsOfflineInChromium()
    {
        using var temp = new TempFolder();
        var run = Run("01-a", kernelLoader: true);
        var (ipynb, html) = NotebookReport.Write(run, temp.Path);
        Assert.Equal(2, OfflinePages.DrawnCharts(OfflinePages.RenderedDom(html)));

        // The notebook's outputs in order, as Jupyter shows them: its page already has require.js's AMD define,
        // and plotly.js must still end up as window.Plotly, drawn from the first output's inline copy only.
        var page = temp.File("jupyter.html", "<!DOCTYPE html><html><head><script>window.define = function () {}; window.define.amd = {};</script></head><body>" +
                                             string.Join("\n", OfflinePages.NotebookHtml(File.ReadAllText(ipynb))) + "</body></html>");
        Assert.Equal(2, OfflinePages.DrawnCharts(OfflinePages.RenderedDom(page)));
    }
}
