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

    /// <summary>Starts capturing; with <paramref name="echo"/>, console text is also written there as it happens.</summary>
    public OutputCapture(TextWriter? echo = null)
    {
        Console.SetOut(echo is null ? stdout : new TeeWriter(stdout, echo));
        Console.SetError(echo is null ? stderr : new TeeWriter(stderr, echo));
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

/// <summary>Writes every character to a capture buffer and to an echo writer (a terminal watching a long cell).</summary>
internal sealed class TeeWriter(TextWriter capture, TextWriter echo) : TextWriter
{
    public override Encoding Encoding => capture.Encoding;

    public override void Write(char value)
    {
        capture.Write(value);
        echo.Write(value);
    }

    public override void Write(string? value)
    {
        capture.Write(value);
        echo.Write(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        capture.Write(buffer, index, count);
        echo.Write(buffer, index, count);
    }

    public override void Flush() => echo.Flush();
}
