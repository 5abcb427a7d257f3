using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Captioning.Reports;

namespace Captioning.Notebooks;

/// <summary>
/// Writes an executed notebook as Jupyter nbformat 4.5 JSON with the .NET (C#) kernelspec that
/// Polyglot Notebooks uses, so VS Code and Jupyter viewers show the cells and their outputs. The first
/// chart output carries plotly.js inline (<see cref="PlotlyPage"/>), so the saved notebook redraws offline.
/// </summary>
public static class IpynbWriter
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        IndentSize = 1,
        // HTML outputs are full of < > & and quotes; escaping them all as \u003C only bloats the file.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The notebook JSON text.</summary>
    public static string ToJson(NotebookRun run)
    {
        var cells = new JsonArray();
        var page = new PlotlyPage(inline: true);
        foreach (var result in run.Cells) cells.Add(Cell(result, page));
        var root = new JsonObject
        {
            ["cells"] = cells,
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
                ["language_info"] = new JsonObject { ["file_extension"] = ".cs", ["mimetype"] = "text/x-csharp", ["name"] = "C#", ["pygments_lexer"] = "csharp" },
                ["polyglot_notebook"] = new JsonObject
                {
                    ["kernelInfo"] = new JsonObject
                    {
                        ["defaultKernelName"] = "csharp",
                        ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["name"] = "csharp" }),
                    },
                },
                ["caption_run"] = new JsonObject
                {
                    ["source"] = Path.GetFileName(run.Notebook.Path),
                    ["started"] = run.Started.ToString("O", CultureInfo.InvariantCulture),
                    ["seconds"] = Math.Round(run.Duration.TotalSeconds, 3),
                    ["succeeded"] = run.Succeeded,
                    ["parameters"] = new JsonObject(run.Parameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
                },
            },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        return root.ToJsonString(Indented) + "\n";
    }

    /// <summary>Writes the notebook JSON to <paramref name="path"/> atomically.</summary>
    public static void Write(NotebookRun run, string path) => Data.AtomicFile.WriteAllText(path, ToJson(run));

    private static JsonObject Cell(CellResult result, PlotlyPage page)
    {
        var cell = result.Cell;
        var id = "cell-" + cell.Number.ToString(CultureInfo.InvariantCulture);
        if (cell.Kind == CellKind.Markdown)
            return new JsonObject { ["cell_type"] = "markdown", ["id"] = id, ["metadata"] = new JsonObject(), ["source"] = Lines(cell.Source) };
        var outputs = new JsonArray();
        foreach (var output in result.Outputs) outputs.Add(Output(output, result.ExecutionCount, page));
        return new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = result.Status == CellStatus.NotRun ? null : result.ExecutionCount,
            ["id"] = id,
            ["metadata"] = new JsonObject
            {
                ["dotnet_interactive"] = new JsonObject { ["language"] = "csharp" },
                ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
                ["caption_run"] = new JsonObject
                {
                    ["status"] = result.Status.ToString().ToLowerInvariant(),
                    ["seconds"] = Math.Round(result.Duration.TotalSeconds, 3),
                },
            },
            ["outputs"] = outputs,
            ["source"] = Lines(cell.Source),
        };
    }

    private static JsonObject Output(CellOutput output, int? executionCount, PlotlyPage page)
    {
        var text = output.Data.GetValueOrDefault("text/plain") ?? "";
        switch (output.Kind)
        {
            case OutputKind.Stdout:
            case OutputKind.Stderr:
                return new JsonObject
                {
                    ["name"] = output.Kind == OutputKind.Stdout ? "stdout" : "stderr",
                    ["output_type"] = "stream",
                    ["text"] = Lines(text),
                };
            case OutputKind.Error:
                var firstLine = text.Split('\n')[0];
                var colon = firstLine.IndexOf(": ", StringComparison.Ordinal);
                return new JsonObject
                {
                    ["ename"] = colon > 0 ? firstLine[..colon] : "Error",
                    ["evalue"] = colon > 0 ? firstLine[(colon + 2)..] : firstLine,
                    ["output_type"] = "error",
                    ["traceback"] = new JsonArray(text.Split('\n').Select(l => (JsonNode?)l).ToArray()),
                };
            default:
                var data = new JsonObject();
                foreach (var (mime, content) in output.Data.OrderBy(d => d.Key, StringComparer.Ordinal))
                    data[mime] = mime switch { "image/png" => content, "text/html" => Lines(page.Html(content)), _ => Lines(content) };
                var node = new JsonObject { ["data"] = data };
                if (output.Kind == OutputKind.ExecuteResult) node["execution_count"] = executionCount;
                node["metadata"] = new JsonObject();
                node["output_type"] = output.Kind == OutputKind.ExecuteResult ? "execute_result" : "display_data";
                return node;
        }
    }

    // nbformat's multiline strings: a list of lines, each keeping its newline except the last.
    private static JsonArray Lines(string text)
    {
        var array = new JsonArray();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\n') continue;
            array.Add(text[start..(i + 1)]);
            start = i + 1;
        }
        if (start < text.Length) array.Add(text[start..]);
        return array;
    }
}
