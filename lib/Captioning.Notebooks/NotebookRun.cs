namespace Captioning.Notebooks;

/// <summary>What a cell output is, in Jupyter's terms.</summary>
public enum OutputKind
{
    /// <summary>The value of the cell's trailing expression (Jupyter execute_result).</summary>
    ExecuteResult,

    /// <summary>A value passed to display(x) (Jupyter display_data).</summary>
    DisplayData,

    /// <summary>Text written to Console.Out (Jupyter stream "stdout").</summary>
    Stdout,

    /// <summary>Text written to Console.Error (Jupyter stream "stderr").</summary>
    Stderr,

    /// <summary>The error that stopped the cell (Jupyter error).</summary>
    Error,
}

/// <summary>One output of a cell: a MIME bundle (text/plain, text/html, image/png as base64) or stream text.</summary>
/// <param name="Kind">Which Jupyter output type this is.</param>
/// <param name="Data">MIME type → content; streams and errors use text/plain.</param>
public sealed record CellOutput(OutputKind Kind, IReadOnlyDictionary<string, string> Data)
{
    /// <summary>A stream or error output holding plain text.</summary>
    public static CellOutput Text(OutputKind kind, string text) => new(kind, new Dictionary<string, string> { ["text/plain"] = text });
}

/// <summary>Whether a cell ran.</summary>
public enum CellStatus
{
    /// <summary>A markdown cell: nothing to run.</summary>
    Markdown,

    /// <summary>The cell ran to completion.</summary>
    Succeeded,

    /// <summary>The cell failed to compile or threw; the run stopped here.</summary>
    Failed,

    /// <summary>An earlier cell failed, so this one did not run.</summary>
    NotRun,
}

/// <summary>The result of one cell.</summary>
public sealed class CellResult(NotebookCell cell)
{
    /// <summary>The cell as run (after parameter injection).</summary>
    public NotebookCell Cell { get; } = cell;

    /// <summary>Whether the cell ran, failed or was skipped.</summary>
    public CellStatus Status { get; internal set; } = cell.Kind == CellKind.Markdown ? CellStatus.Markdown : CellStatus.NotRun;

    /// <summary>Jupyter's execution counter: 1 for the first C# cell that ran, and so on; null when not run.</summary>
    public int? ExecutionCount { get; internal set; }

    /// <summary>Wall-clock time the cell took.</summary>
    public TimeSpan Duration { get; internal set; }

    /// <summary>Outputs in the order they were produced.</summary>
    public List<CellOutput> Outputs { get; } = [];

    /// <summary>For a failed cell, the error as the runner reports it (diagnostics with lines, or the exception).</summary>
    public string? Error { get; internal set; }
}

/// <summary>The executed notebook: every cell's result, and where it stopped if it failed.</summary>
/// <param name="Notebook">The notebook as run (parameters applied).</param>
/// <param name="Cells">One result per cell, in order.</param>
/// <param name="Parameters">The --set values that were applied (name → raw text).</param>
/// <param name="Started">When the run began.</param>
/// <param name="Duration">Total wall-clock time.</param>
public sealed record NotebookRun(DibNotebook Notebook, IReadOnlyList<CellResult> Cells, IReadOnlyDictionary<string, string> Parameters,
    DateTimeOffset Started, TimeSpan Duration)
{
    /// <summary>The cell that failed, or null when every cell ran.</summary>
    public CellResult? FailedCell => Cells.FirstOrDefault(c => c.Status == CellStatus.Failed);

    /// <summary>True when no cell failed.</summary>
    public bool Succeeded => FailedCell is null;

    /// <summary>A report of the failure for the terminal: cell number, file line, first lines of the cell and the error.</summary>
    public string FailureSummary()
    {
        var failed = FailedCell;
        if (failed is null) return "";
        var lines = failed.Cell.Lines;
        var preview = string.Join('\n', lines.Take(3).Select(l => "    | " + l)) + (lines.Length > 3 ? "\n    | ..." : "");
        var line = failed.Cell.Line > 0 ? $" (line {failed.Cell.Line})" : "";
        return $"{Notebook.Path}: cell {failed.Cell.Number}{line} failed:\n{preview}\n{failed.Error}";
    }
}
