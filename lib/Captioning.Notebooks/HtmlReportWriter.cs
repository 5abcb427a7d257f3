using System.Globalization;
using System.Net;
using System.Text;
using Captioning.Reports;
using Markdig;

namespace Captioning.Notebooks;

/// <summary>
/// Renders an executed notebook as one readable HTML page: prose from the markdown cells, code
/// cells collapsed to their first line with timings, outputs inline. The page loads
/// plotly.min.js from its own folder (see <see cref="PlotlyAsset"/>), so it works offline and a report
/// folder shares one copy; an output's inline copy of plotly.js (a kernel's first chart) is dropped.
/// </summary>
public static class HtmlReportWriter
{
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    /// <summary>The report page as HTML text.</summary>
    public static string ToHtml(NotebookRun run)
    {
        var html = new StringBuilder();
        html.Append(Head(run.Notebook.Title));
        html.Append("<main>\n<header class=\"run\"><h1>").Append(Escape(run.Notebook.Title)).Append("</h1><div class=\"meta\">");
        html.Append(run.Succeeded ? "<span class=\"badge\">all cells ran</span>" : $"<span class=\"badge failed\">failed at cell {run.FailedCell!.Cell.Number}</span>");
        html.Append("<span>").Append(Escape(Path.GetFileName(run.Notebook.Path))).Append("</span>");
        html.Append("<span>").Append(run.Started.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).Append("</span>");
        html.Append("<span>").Append(Seconds(run.Duration)).Append(" total</span>");
        if (run.Parameters.Count > 0)
        {
            html.Append("<span class=\"params\">--set ");
            foreach (var (name, value) in run.Parameters) html.Append("<code>").Append(Escape($"{name}={value}")).Append("</code>");
            html.Append("</span>");
        }
        html.Append("</div></header>\n");
        // The title heading is already the page header; do not show it twice.
        var skipTitle = true;
        foreach (var result in run.Cells)
        {
            if (result.Cell.Kind == CellKind.Markdown)
            {
                var source = result.Cell.Source;
                if (skipTitle && source.StartsWith("# ", StringComparison.Ordinal) && source.Split('\n')[0][2..].Trim() == run.Notebook.Title)
                    source = string.Join('\n', source.Split('\n').Skip(1));
                skipTitle = false;
                html.Append("<section class=\"cell markdown\">").Append(Markdig.Markdown.ToHtml(source, Markdown)).Append("</section>\n");
            }
            else
            {
                AppendCode(html, result);
            }
        }
        html.Append("<footer>Executed by <code>caption notebook run</code> from ").Append(Escape(Path.GetFileName(run.Notebook.Path)))
            .Append(". Code cells are collapsed: click one to read it.</footer>\n</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>Writes the report to <paramref name="path"/> atomically and puts plotly.min.js beside it.</summary>
    public static void Write(NotebookRun run, string path)
    {
        PlotlyAsset.CopyTo(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Data.AtomicFile.WriteAllText(path, ToHtml(run));
    }

    /// <summary>Writes a standalone page (the reports' style, a local plotly.min.js beside it) around <paramref name="bodyHtml"/>.</summary>
    public static void WritePage(string path, string title, string bodyHtml)
    {
        PlotlyAsset.CopyTo(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Data.AtomicFile.WriteAllText(path, Head(title) + "<main>\n" + bodyHtml + "\n</main>\n</body>\n</html>\n");
    }

    internal static string Head(string title) =>
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" +
        $"<title>{Escape(title)}</title>\n<script src=\"{PlotlyAsset.FileName}\"></script>\n<style>\n{ReportStyle.Css}\n</style>\n</head>\n<body>\n";

    internal static string Escape(string text) => WebUtility.HtmlEncode(text);

    private static void AppendCode(StringBuilder html, CellResult result)
    {
        var status = result.Status switch { CellStatus.Failed => "failed", CellStatus.NotRun => "notrun", _ => "ok" };
        var first = result.Cell.Lines.FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";
        html.Append($"<section class=\"cell code {status}\" id=\"cell-{result.Cell.Number}\">");
        html.Append(result.Status == CellStatus.Failed ? "<details class=\"code\" open>" : "<details class=\"code\">");
        html.Append("<summary><span>[").Append(result.Cell.Number).Append("]</span><span class=\"first\">").Append(Escape(first)).Append("</span><span>");
        html.Append(result.Status == CellStatus.NotRun ? "not run" : Seconds(result.Duration)).Append("</span></summary>");
        html.Append("<pre><code>").Append(Escape(result.Cell.Source)).Append("</code></pre></details>");
        foreach (var output in result.Outputs) AppendOutput(html, output);
        html.Append("</section>\n");
    }

    private static void AppendOutput(StringBuilder html, CellOutput output)
    {
        html.Append("<div class=\"output\">");
        var text = output.Data.GetValueOrDefault("text/plain") ?? "";
        switch (output.Kind)
        {
            case OutputKind.Stdout:
                html.Append("<pre class=\"stdout\">").Append(Escape(text.TrimEnd('\n'))).Append("</pre>");
                break;
            case OutputKind.Stderr:
                html.Append("<pre class=\"stderr\">").Append(Escape(text.TrimEnd('\n'))).Append("</pre>");
                break;
            case OutputKind.Error:
                html.Append("<pre class=\"error\">").Append(Escape(text)).Append("</pre>");
                break;
            default:
                if (output.Data.TryGetValue("text/html", out var fragment)) html.Append(PlotlyJs.RemoveLoaders(fragment));
                else if (output.Data.TryGetValue("image/png", out var png)) html.Append("<img alt=\"output\" src=\"data:image/png;base64,").Append(png).Append("\">");
                else html.Append("<pre>").Append(Escape(text)).Append("</pre>");
                break;
        }
        html.Append("</div>");
    }

    private static string Seconds(TimeSpan duration) =>
        duration.TotalSeconds < 10
            ? duration.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s"
            : duration.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture) + " s";
}
