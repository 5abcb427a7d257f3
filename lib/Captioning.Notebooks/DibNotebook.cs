namespace Captioning.Notebooks;

/// <summary>The kind of a notebook cell: prose or C# code.</summary>
public enum CellKind
{
    /// <summary>A `#!markdown` cell: prose rendered into the report.</summary>
    Markdown,

    /// <summary>A `#!csharp` cell: code the runner executes.</summary>
    CSharp,
}

/// <summary>One cell of a .dib notebook.</summary>
/// <param name="Number">1-based position among all cells of the notebook, as reports and errors count them.</param>
/// <param name="Kind">Markdown or C#.</param>
/// <param name="Source">The cell text without its marker line and without leading or trailing blank lines, lines joined by \n.</param>
/// <param name="Line">1-based line in the .dib file of the cell's first source line; 0 for a cell read from an .ipynb.</param>
public sealed record NotebookCell(int Number, CellKind Kind, string Source, int Line)
{
    /// <summary>The source split into lines.</summary>
    public string[] Lines => Source.Split('\n');
}

/// <summary>A parsed .dib notebook: its path, default kernel and cells in file order.</summary>
/// <param name="Path">Full path of the .dib file (relative `#r` and `#!import` paths resolve against its folder).</param>
/// <param name="DefaultKernel">The `#!meta` section's defaultKernelName, or "csharp".</param>
/// <param name="Cells">Cells in file order.</param>
public sealed record DibNotebook(string Path, string DefaultKernel, IReadOnlyList<NotebookCell> Cells)
{
    /// <summary>The folder holding the notebook.</summary>
    public string Folder => System.IO.Path.GetDirectoryName(Path) ?? ".";

    /// <summary>The file name without extension, used to name the executed notebook and its report.</summary>
    public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>Where line <paramref name="lineInCell"/> (0-based) of <paramref name="cell"/> is, for messages: its file line in a .dib, the cell and its line in an .ipynb.</summary>
    public string Where(NotebookCell cell, int lineInCell) => cell.Line > 0
        ? $"{Path} line {cell.Line + lineInCell}"
        : $"{Path} cell {cell.Number} line {lineInCell + 1}";

    /// <summary>The text of the first markdown heading, or the file name.</summary>
    public string Title
    {
        get
        {
            foreach (var cell in Cells.Where(c => c.Kind == CellKind.Markdown))
            foreach (var line in cell.Lines)
                if (line.StartsWith('#')) return line.TrimStart('#').Trim();
            return Name;
        }
    }
}
