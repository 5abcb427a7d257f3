using Microsoft.DotNet.Interactive.Events;

namespace Captioning.Notebooks;

/// <summary>
/// Turns the kernel's events for one cell into the cell's outputs, in the order they arrive:
/// console text (consecutive writes of one stream form one output, as in Jupyter), displayed
/// values and the return value, each with the MIME bundle the kernel's formatters produced.
/// Console text is also echoed as it arrives, so a long training cell shows its progress live.
/// </summary>
internal sealed class CellOutputCollector(List<CellOutput> outputs, TextWriter? echo) : IObserver<KernelEvent>
{
    private readonly Lock gate = new();

    public void OnNext(KernelEvent value)
    {
        switch (value)
        {
            case StandardOutputValueProduced stdout:
                AddText(OutputKind.Stdout, PlainText(stdout));
                break;
            case StandardErrorValueProduced stderr:
                AddText(OutputKind.Stderr, PlainText(stderr));
                break;
            case ReturnValueProduced returned:
                Add(OutputKind.ExecuteResult, returned);
                break;
            case DisplayedValueProduced displayed:
                Add(OutputKind.DisplayData, displayed);
                break;
        }
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    private void AddText(OutputKind kind, string text)
    {
        if (text.Length == 0) return;
        lock (gate)
        {
            if (outputs.Count > 0 && outputs[^1].Kind == kind)
                outputs[^1] = CellOutput.Text(kind, outputs[^1].Data["text/plain"] + text);
            else
                outputs.Add(CellOutput.Text(kind, text));
            echo?.Write(text);
            echo?.Flush();
        }
    }

    private void Add(OutputKind kind, DisplayEvent displayed)
    {
        var bundle = new Dictionary<string, string>();
        foreach (var formatted in displayed.FormattedValues)
            if (!formatted.SuppressDisplay) bundle[formatted.MimeType] = formatted.Value;
        // Every output keeps a text form: the report's plain-text fallback and the terminal's view.
        if (!bundle.ContainsKey("text/plain")) bundle["text/plain"] = PlainText(displayed.Value);
        lock (gate) outputs.Add(new CellOutput(kind, bundle));
    }

    private static string PlainText(DisplayEvent displayed) =>
        displayed.FormattedValues.FirstOrDefault(f => f.MimeType == "text/plain")?.Value ?? PlainText(displayed.Value);

    private static string PlainText(object? value) => value switch
    {
        null => "null",
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? value.GetType().Name,
    };
}

/// <summary>
/// Hands each kernel event of a notebook run to the collector of the cell whose command produced it (found through the
/// command's parents), listening for the whole run: an event that arrives after its cell's command completed still
/// reaches that cell instead of being lost or landing in the next one.
/// </summary>
internal sealed class CellEventRouter : IObserver<KernelEvent>
{
    private readonly Lock gate = new();
    private readonly Dictionary<Microsoft.DotNet.Interactive.Commands.KernelCommand, CellOutputCollector> cells = new(ReferenceEqualityComparer.Instance);
    private CellOutputCollector? latest;

    /// <summary>Routes the events of <paramref name="command"/> (and its children) to <paramref name="collector"/>.</summary>
    public void Add(Microsoft.DotNet.Interactive.Commands.KernelCommand command, CellOutputCollector collector)
    {
        lock (gate)
        {
            cells[command] = collector;
            latest = collector;
        }
    }

    public void OnNext(KernelEvent value)
    {
        CellOutputCollector? target;
        lock (gate)
        {
            target = latest;
            for (var command = value.Command; command != null; command = command.Parent)
                if (cells.TryGetValue(command, out var owner))
                {
                    target = owner;
                    break;
                }
        }
        target?.OnNext(value);
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }
}
