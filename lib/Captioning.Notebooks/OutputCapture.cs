using System.Text;

namespace Captioning.Notebooks;

/// <summary>
/// Redirects Console.Out and Console.Error into a cell's outputs while the cell runs, flushing
/// buffered text before each displayed value so outputs keep the order they were produced in.
/// </summary>
internal sealed class OutputCapture : IDisposable
{
    private readonly TextWriter originalOut = Console.Out;
    private readonly TextWriter originalError = Console.Error;
    private readonly StringWriter stdout = new();
    private readonly StringWriter stderr = new();
    private List<CellOutput> target = [];

    public OutputCapture()
    {
        Console.SetOut(stdout);
        Console.SetError(stderr);
    }

    /// <summary>The output list of the cell now running; switching flushes into the previous one first.</summary>
    public List<CellOutput> Target
    {
        get => target;
        set
        {
            Flush();
            target = value;
        }
    }

    /// <summary>Moves buffered console text into the current cell's outputs.</summary>
    public void Flush()
    {
        Move(stderr, OutputKind.Stderr);
        Move(stdout, OutputKind.Stdout);
    }

    /// <summary>Adds a value's MIME bundle after any console text written before it.</summary>
    public void Add(OutputKind kind, object? value)
    {
        Flush();
        target.Add(new CellOutput(kind, RichOutput.Format(value)));
    }

    /// <summary>Adds plain text (an error report) after any console text written before it.</summary>
    public void AddText(OutputKind kind, string text)
    {
        Flush();
        target.Add(CellOutput.Text(kind, text));
    }

    public void Dispose()
    {
        Flush();
        Console.SetOut(originalOut);
        Console.SetError(originalError);
    }

    private void Move(StringWriter writer, OutputKind kind)
    {
        var builder = writer.GetStringBuilder();
        if (builder.Length == 0) return;
        var text = builder.ToString();
        builder.Clear();
        // Consecutive writes between two displays form one stream output, as in Jupyter.
        if (target.Count > 0 && target[^1].Kind == kind)
            target[^1] = CellOutput.Text(kind, target[^1].Data["text/plain"] + text);
        else
            target.Add(CellOutput.Text(kind, text));
    }
}
