using System.Globalization;
using System.Text;

namespace Captioning.Notebooks;

/// <summary>Writes a run's outputs into a report folder: NAME.ipynb, NAME.html, plotly.min.js, and for several runs an index.html.</summary>
public static class NotebookReport
{
    /// <summary>Writes the executed notebook and its HTML report into <paramref name="folder"/>; returns both paths.</summary>
    public static (string Ipynb, string Html) Write(NotebookRun run, string folder)
    {
        var ipynb = Path.Combine(folder, run.Notebook.Name + ".ipynb");
        var html = Path.Combine(folder, run.Notebook.Name + ".html");
        IpynbWriter.Write(run, ipynb);
        HtmlReportWriter.Write(run, html);
        return (ipynb, html);
    }

    /// <summary>Writes index.html linking each run's report and notebook, with status and time; returns its path.</summary>
    public static string WriteIndex(IReadOnlyList<NotebookRun> runs, string folder)
    {
        var html = new StringBuilder(HtmlReportWriter.Head("Captioning workbook"));
        html.Append("<main>\n<header class=\"run\"><h1>Captioning workbook</h1><div class=\"meta\">");
        html.Append(runs.All(r => r.Succeeded) ? "<span class=\"badge\">all notebooks ran</span>" : "<span class=\"badge failed\">a notebook failed</span>");
        if (runs.Count > 0) html.Append("<span>").Append(runs[0].Started.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).Append("</span>");
        var total = TimeSpan.FromTicks(runs.Sum(r => r.Duration.Ticks));
        html.Append("<span>").Append(total.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)).Append(" s total</span></div></header>\n");
        html.Append("<table class=\"index-table\"><thead><tr><th>Notebook</th><th>Status</th><th>Time</th><th>Files</th></tr></thead><tbody>\n");
        foreach (var run in runs)
        {
            var name = HtmlReportWriter.Escape(run.Notebook.Name);
            var status = run.Succeeded ? "ok" : $"failed at cell {run.FailedCell!.Cell.Number}";
            html.Append($"<tr><td><a href=\"{Uri.EscapeDataString(run.Notebook.Name)}.html\">{HtmlReportWriter.Escape(run.Notebook.Title)}</a></td>")
                .Append($"<td>{status}</td><td>{run.Duration.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s</td>")
                .Append($"<td><a href=\"{Uri.EscapeDataString(run.Notebook.Name)}.html\">{name}.html</a> · <a href=\"{Uri.EscapeDataString(run.Notebook.Name)}.ipynb\">{name}.ipynb</a></td></tr>\n");
        }
        html.Append("</tbody></table>\n<footer>Written by <code>caption notebook run-all</code>.</footer>\n</main>\n</body>\n</html>\n");
        var path = Path.Combine(folder, "index.html");
        PlotlyAsset.CopyTo(folder);
        Data.AtomicFile.WriteAllText(path, html.ToString());
        return path;
    }
}
