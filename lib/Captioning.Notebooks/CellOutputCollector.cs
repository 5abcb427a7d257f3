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
