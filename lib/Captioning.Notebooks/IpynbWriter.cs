using System.Globalization;
using Captioning.Reports;
using Microsoft.DotNet.Interactive.Documents;

namespace Captioning.Notebooks;

/// <summary>
/// Writes an executed notebook as Jupyter nbformat 4.5 JSON with the .NET (C#) kernelspec that
/// Polyglot Notebooks uses, through Microsoft.DotNet.Interactive.Documents (<see cref="NotebookDocuments"/>),
/// so VS Code and Jupyter viewers show the cells and their outputs. The first chart output carries plotly.js
/// inline (<see cref="PlotlyPage"/>), so the saved notebook redraws offline.
/// </summary>
public static class IpynbWriter
{
    /// <summary>The notebook JSON text.</summary>
    public static string ToJson(NotebookRun run)
    {
        var document = new InteractiveDocument();
        var page = new PlotlyPage(inline: true);
        foreach (var result in run.Cells) document.Add(Cell(run.Notebook, result, page));
        document.Metadata["caption_run"] = new Dictionary<string, object>
        {
            ["source"] = Path.GetFileName(run.Notebook.Path),
            ["started"] = run.Started.ToString("O", CultureInfo.InvariantCulture),
            ["seconds"] = Math.Round(run.Duration.TotalSeconds, 3),
            ["succeeded"] = run.Succeeded,
            ["parameters"] = run.Parameters.ToDictionary(p => p.Key, p => (object)p.Value),
        };
        return NotebookDocuments.ToIpynb(document);
    }

    /// <summary>Writes the notebook JSON to <paramref name="path"/> atomically.</summary>
    public static void Write(NotebookRun run, string path) => Data.AtomicFile.WriteAllText(path, ToJson(run));

    private static InteractiveDocumentElement Cell(DibNotebook notebook, CellResult result, PlotlyPage page)
    {
        var element = NotebookDocuments.Element(notebook, result.Cell);
        if (result.Cell.Kind == CellKind.Markdown) return element;
        element.ExecutionOrder = result.Status == CellStatus.NotRun ? 0 : result.ExecutionCount ?? 0;
        element.Metadata = new Dictionary<string, object>
        {
            ["caption_run"] = new Dictionary<string, object>
            {
                ["status"] = result.Status.ToString().ToLowerInvariant(),
                ["seconds"] = Math.Round(result.Duration.TotalSeconds, 3),
            },
        };
        foreach (var output in result.Outputs) element.Outputs.Add(Output(output, result.ExecutionCount ?? 0, page));
        return element;
    }

    private static InteractiveDocumentOutputElement Output(CellOutput output, int executionCount, PlotlyPage page)
    {
        var text = output.Data.GetValueOrDefault("text/plain") ?? "";
        switch (output.Kind)
        {
            case OutputKind.Stdout:
            case OutputKind.Stderr:
                return new TextElement(text, output.Kind == OutputKind.Stdout ? "stdout" : "stderr");
            case OutputKind.Error:
                var firstLine = text.Split('\n')[0];
                var colon = firstLine.IndexOf(": ", StringComparison.Ordinal);
                return new ErrorElement(colon > 0 ? firstLine[(colon + 2)..] : firstLine, colon > 0 ? firstLine[..colon] : "Error", text.Split('\n'));
            case OutputKind.ExecuteResult:
                var result = new ReturnValueElement { ExecutionOrder = executionCount };
                foreach (var (mime, content) in Sorted(output, page)) result.Data[mime] = content;
                return result;
            default:
                return new DisplayElement(Sorted(output, page).ToDictionary(d => d.Key, d => (object)d.Value));
        }
    }

    // In output order, so the notebook's first chart is the one that carries plotly.js.
    private static IEnumerable<KeyValuePair<string, string>> Sorted(CellOutput output, PlotlyPage page) =>
        output.Data.OrderBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => d.Key == "text/html" ? new KeyValuePair<string, string>(d.Key, page.Html(d.Value)) : d)
            .ToList();
}
