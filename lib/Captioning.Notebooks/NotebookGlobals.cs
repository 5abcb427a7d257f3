namespace Captioning.Notebooks;

/// <summary>
/// The globals every notebook cell sees. Names are lower-case to match Polyglot Notebooks, where
/// display(x) is the same global function, so cells run unchanged in both.
/// </summary>
public sealed class NotebookGlobals
{
    private readonly Action<object?> sink;

    internal NotebookGlobals(Action<object?> sink) => this.sink = sink;

    /// <summary>Shows a value below the cell: HTML when it renders itself as HTML, otherwise its text.</summary>
#pragma warning disable IDE1006 // display is Polyglot Notebooks' name for it.
    public void display(object? value) => sink(value);
#pragma warning restore IDE1006
}
