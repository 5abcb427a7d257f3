using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;

namespace Captioning.Notebooks;

/// <summary>
/// Loads a .dib or .ipynb notebook into the model the runner uses (<see cref="DibNotebook"/>) and
/// writes notebooks as Jupyter .ipynb (nbformat 4.5, stable cell ids, the .NET (C#) kernelspec)
/// through Microsoft.DotNet.Interactive.Documents, the reader and writer the kernel itself uses.
/// </summary>
/// <remarks>
/// A .dib is read by <see cref="DibParser"/>, which knows each cell's file line for error messages
/// and reports a cell of an unsupported kernel by its line; <see cref="ReadDib"/> (the kernel's
/// CodeSubmission reader) must split it into the same cells, which the tests check for the
/// workbook's notebooks. Cell ids are derived from the notebook's name and the cell's number, so
/// converting the same notebook twice writes the same bytes.
/// </remarks>
public static class NotebookDocuments
{
    private const string CSharp = "csharp";
    private const string Markdown = "markdown";

    // The kernels a .dib of ours may name; all but C# and markdown are recognised only to be refused.
    private static KernelInfoCollection KernelInfos()
    {
        var kernels = new KernelInfoCollection
        {
            new KernelInfo(CSharp, "C#", ["c#", "C#"]),
            new KernelInfo(Markdown, "Markdown", ["md"]),
            new KernelInfo("fsharp", "F#", ["f#", "F#"]),
            new KernelInfo("pwsh", "PowerShell", ["powershell"]),
            new KernelInfo("javascript", "JavaScript", ["js"]),
            new KernelInfo("html", "HTML"),
            new KernelInfo("value"),
        };
        kernels.DefaultKernelName = CSharp;
        return kernels;
    }

    /// <summary>Reads a .dib or .ipynb file; anything else, a missing file or a malformed notebook is an error naming the file.</summary>
    public static DibNotebook Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new CaptioningException($"notebook '{path}' does not exist");
        if (full.EndsWith(".dib", StringComparison.OrdinalIgnoreCase)) return DibParser.Parse(File.ReadAllText(full), full);
        if (full.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase)) return ParseIpynb(File.ReadAllText(full), full);
        throw new CaptioningException($"notebook '{path}' is neither a .dib nor an .ipynb file; the runner reads Polyglot Notebooks .dib and Jupyter .ipynb");
    }

    /// <summary>Parses .ipynb JSON; <paramref name="path"/> names the file in errors and anchors relative paths.</summary>
    public static DibNotebook ParseIpynb(string json, string path)
    {
        InteractiveDocument document;
        try
        {
            document = Notebook.Parse(json, KernelInfos());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new CaptioningException($"{path}: not a Jupyter notebook ({e.Message}); expected nbformat 4 JSON as Jupyter or Polyglot Notebooks write it");
        }
        var cells = new List<NotebookCell>();
        foreach (var element in document.Elements)
        {
            var number = cells.Count + 1;
            var kind = (element.KernelName ?? CSharp) switch
            {
                CSharp => CellKind.CSharp,
                Markdown => CellKind.Markdown,
                var other => throw new CaptioningException(
                    $"{path} cell {number}: '{other}' cells are not supported; the runner executes C# and shows markdown cells only"),
            };
            var source = element.Contents.ReplaceLineEndings("\n").Trim('\n');
            if (source.Trim().Length == 0) continue;
            // An .ipynb has no file lines; 0 tells messages to name the cell instead.
            cells.Add(new NotebookCell(number, kind, source, 0));
        }
        return new DibNotebook(path, CSharp, cells);
    }

    /// <summary>Splits .dib text into (kernel, source) cells with the kernel's own reader, as Polyglot Notebooks and dotnet-repl see them.</summary>
    public static IReadOnlyList<(string Kernel, string Source)> ReadDib(string text)
    {
        var document = CodeSubmission.Parse(text, KernelInfos());
        return document.Elements.Select(e => (e.KernelName ?? CSharp, e.Contents)).ToList();
    }

    /// <summary>The id of cell <paramref name="number"/> of <paramref name="notebook"/>: its name and the number, in nbformat 4.5's id alphabet.</summary>
    public static string CellId(DibNotebook notebook, int number)
    {
        var name = new StringBuilder();
        foreach (var c in notebook.Name) name.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-');
        var suffix = "-" + number.ToString(CultureInfo.InvariantCulture);
        // nbformat caps ids at 64 characters; the number must survive the cut.
        var prefix = name.Length + suffix.Length > 64 ? name.ToString(0, 64 - suffix.Length) : name.ToString();
        return prefix + suffix;
    }

    /// <summary>The notebook as an unexecuted .ipynb document: its cells with ids, no outputs.</summary>
    public static InteractiveDocument ToDocument(DibNotebook notebook)
    {
        var document = new InteractiveDocument();
        foreach (var cell in notebook.Cells) document.Add(Element(notebook, cell));
        return document;
    }

    /// <summary>The cell as a document element: kernel, id and source (outputs are the caller's).</summary>
    internal static InteractiveDocumentElement Element(DibNotebook notebook, NotebookCell cell) =>
        new(cell.Source, cell.Kind == CellKind.Markdown ? Markdown : CSharp) { Id = CellId(notebook, cell.Number) };

    /// <summary>The .ipynb JSON of <paramref name="document"/>: nbformat 4.5 with the .NET (C#) kernelspec and language_info, one-space indents, a final newline.</summary>
    public static string ToIpynb(InteractiveDocument document) => document.ToJupyterJson("C#").ReplaceLineEndings("\n") + "\n";

    /// <summary>Writes <paramref name="notebook"/> unexecuted as .ipynb to <paramref name="path"/> atomically.</summary>
    public static void WriteIpynb(DibNotebook notebook, string path) => Data.AtomicFile.WriteAllText(path, ToIpynb(ToDocument(notebook)));
}
