using System.Globalization;
using System.Text;
using Captioning.Reports;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Captioning.Models;

/// <summary>
/// One row of a <see cref="ModelSummary"/>: one call of a leaf module during the sample forward pass.
/// </summary>
/// <param name="Name">The module's path, as in the state-dict keys (embed, lstm, ...).</param>
/// <param name="Type">The module's class (Linear, LSTM, ...).</param>
/// <param name="Call">1 for the module's first call, 2 for the second, ...; parameters are counted on the first only.</param>
/// <param name="OutputShape">Shape of the output (an LSTM's: the sequence output), batch first.</param>
/// <param name="Parameters">Parameters this row counts (0 on repeated calls).</param>
/// <param name="TrainableParameters">The part of <paramref name="Parameters"/> that requires gradients.</param>
/// <param name="KerasDifference">Parameters more than the Keras layer of the same sizes has (an LSTM's second bias vector).</param>
/// <param name="Note">Why the row differs from Keras or repeats, or null.</param>
public sealed record LayerSummary(string Name, string Type, int Call, IReadOnlyList<long> OutputShape,
    long Parameters, long TrainableParameters, long KerasDifference, string? Note)
{
    /// <summary>The name shown in tables and diagrams: the module path, with the call number from the second call on.</summary>
    public string Label => Call == 1 ? Name : $"{Name} (call {Call})";

    /// <summary>Whether every parameter of the row is trainable (true for a row without parameters).</summary>
    public bool Trainable => TrainableParameters == Parameters;

    /// <summary>The parameters the equivalent Keras layer has.</summary>
    public long KerasParameters => Parameters - KerasDifference;
}

/// <summary>
/// A Keras/torchinfo-style summary of a module: one forward pass with forward hooks on every leaf module
/// records each call's output shape and parameters, in the order the layers run, with totals.
/// Renders as an HTML table in notebooks and as aligned text (ToString) on the console.
/// </summary>
[TypeFormatterSource(typeof(RichFormatterSource))]
public sealed class ModelSummary : IHtmlRenderable
{
    private ModelSummary(string title, IReadOnlyList<LayerSummary> layers, IReadOnlyList<long> outputShape, long batch,
        long total, long trainable, CaptionModelOptions? options)
    {
        Title = title;
        Layers = layers;
        OutputShape = outputShape;
        Batch = batch;
        Total = total;
        Trainable = trainable;
        Options = options;
    }

    /// <summary>The caption above the table (the model's name and sizes).</summary>
    public string Title { get; }

    /// <summary>One row per leaf-module call, in the order of the forward pass.</summary>
    public IReadOnlyList<LayerSummary> Layers { get; }

    /// <summary>Shape of the model's output for the sample inputs.</summary>
    public IReadOnlyList<long> OutputShape { get; }

    /// <summary>Rows in the sample inputs (shown as B).</summary>
    public long Batch { get; }

    /// <summary>Every parameter of the module, each counted once.</summary>
    public long Total { get; }

    /// <summary>Parameters that require gradients.</summary>
    public long Trainable { get; }

    /// <summary>Parameters that do not require gradients (frozen).</summary>
    public long NonTrainable => Total - Trainable;

    /// <summary>The total a Keras model of the same layers has (one LSTM bias vector instead of two).</summary>
    public long KerasTotal => Total - Layers.Sum(l => l.KerasDifference);

    /// <summary>The caption model's sizes and architecture, or null for another module (the diagram then draws one chain).</summary>
    public CaptionModelOptions? Options { get; }

    /// <summary>The footnotes: what B means, and each way the counts differ from Keras.</summary>
    public IReadOnlyList<string> Notes
    {
        get
        {
            var notes = new List<string> { $"B is the batch ({Batch} row(s) in the sample); shapes are batch first." };
            var keras = Layers.Sum(l => l.KerasDifference);
            if (keras > 0)
                notes.Add(Invariant($"PyTorch LSTM has two bias vectors (b_ih, b_hh), Keras one: +{keras:N0} against Keras, whose total would be {KerasTotal:N0}."));
            if (Layers.Any(l => l.Call > 1)) notes.Add("A module called more than once has a row per call; its parameters are counted on the first.");
            return notes;
        }
    }

    /// <summary>
    /// Summarises a caption model for sample inputs of <paramref name="batch"/> zero feature rows and
    /// captions of <paramref name="steps"/> tokens (the tutorial's maximum length is 34).
    /// </summary>
    public static ModelSummary Of(CaptionModel model, long steps = 34, long batch = 1)
    {
        using var scope = NewDisposeScope();
        var device = model.Device;
        var features = zeros(batch, model.Options.FeatureDimension, device: device); // (B, F)
        var inputIds = ones(batch, steps, ScalarType.Int64, device); // (B, T), any non-padding token
        return Of(model, features, inputIds);
    }

    /// <summary>Summarises a two-input module (a caption model: features (B, F) and input ids (B, T)) from one forward pass.</summary>
    public static ModelSummary Of(nn.Module<Tensor, Tensor, Tensor> module, Tensor features, Tensor inputIds)
    {
        var options = (module as CaptionModel)?.Options;
        var title = options != null ? Describe(options) : module.GetName();
        return Capture(module, title, features.shape[0], () => module.call(features, inputIds), options);
    }

    /// <summary>Summarises a one-input module (a Sequential, a Linear, ...) from one forward pass.</summary>
    public static ModelSummary Of(nn.Module<Tensor, Tensor> module, Tensor input) =>
        Capture(module, module.GetName(), input.shape[0], () => module.call(input), null);

    private static ModelSummary Capture(nn.Module module, string title, long batch, Func<Tensor> run, CaptionModelOptions? options)
    {
        var rows = new List<LayerSummary>();
        var calls = new Dictionary<string, int>();
        var leaves = module.named_modules().Where(m => !m.module.children().Any()).ToList();
        if (leaves.Count == 0) leaves.Add((module.GetName(), module)); // a module without submodules is its own one row
        var removers = new List<Action>();
        void Record(string name, nn.Module leaf, long[] shape)
        {
            var call = calls[name] = calls.GetValueOrDefault(name) + 1;
            var (count, trainable) = call == 1 ? Count(leaf) : (0, 0);
            var extra = call == 1 && leaf is LSTM ? leaf.named_parameters().Where(p => p.name.StartsWith("bias_hh", StringComparison.Ordinal)).Sum(p => p.parameter.numel()) : 0;
            var note = extra > 0 ? Invariant($"PyTorch LSTM has two bias vectors: +{extra:N0} against Keras")
                : call > 1 ? "called again; parameters counted above" : null;
            rows.Add(new LayerSummary(name, leaf.GetType().Name, call, shape, count, trainable, extra, note));
        }
        foreach (var (name, leaf) in leaves)
        {
            switch (leaf)
            {
                case nn.Module<Tensor, Tensor> one:
                    var r1 = one.register_forward_hook((_, _, output) => { Record(name, leaf, output.shape); return output; });
                    removers.Add(r1.remove);
                    break;
                case nn.Module<Tensor, (Tensor, Tensor)?, (Tensor, Tensor, Tensor)> recurrent:
                    var r2 = recurrent.register_forward_hook((_, _, _, output) => { Record(name, leaf, output.Item1.shape); return output; });
                    removers.Add(r2.remove);
                    break;
                case nn.Module<Tensor, Tensor, (Tensor, Tensor)> gru:
                    var r3 = gru.register_forward_hook((_, _, _, output) => { Record(name, leaf, output.Item1.shape); return output; });
                    removers.Add(r3.remove);
                    break;
            }
        }
        var wasTraining = module.training;
        long[] outputShape;
        try
        {
            module.eval(); // dropout off: the pass only measures
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            outputShape = run().shape;
        }
        finally
        {
            foreach (var remove in removers) remove();
            module.train(wasTraining);
        }
        // Modules the pass never reached still hold parameters: list them last, without a shape.
        foreach (var (name, leaf) in leaves.Where(l => !calls.ContainsKey(l.name)))
        {
            var (count, trainable) = Count(leaf);
            if (count > 0) rows.Add(new LayerSummary(name, leaf.GetType().Name, 1, [], count, trainable, 0, "not called in this forward pass"));
        }
        var (total, totalTrainable) = Count(module);
        return new ModelSummary(title, rows, outputShape, batch, total, totalTrainable, options);
    }

    private static (long Total, long Trainable) Count(nn.Module module)
    {
        long total = 0, trainable = 0;
        foreach (var p in module.parameters())
        {
            total += p.numel();
            if (p.requires_grad) trainable += p.numel();
        }
        return (total, trainable);
    }

    /// <summary>A model's name and sizes, e.g. "merge: V=7,579, F=4,096, E=256, H=256, 1 layer(s)".</summary>
    public static string Describe(CaptionModelOptions o) =>
        Invariant($"{CaptionModelOptions.NameOf(o.Architecture)}{(o.Architecture == Architecture.Merge && o.Combine == MergeCombine.Concat ? " (concat)" : "")}: V={o.VocabularySize:N0}, F={o.FeatureDimension:N0}, E={o.EmbeddingDimension}, H={o.HiddenDimension}, {o.Layers} layer(s)");

    /// <summary>A shape as "(B, 34, 256)": the first (batch) dimension as B.</summary>
    public static string FormatShape(IReadOnlyList<long> shape) =>
        shape.Count == 0 ? "–" : "(" + string.Join(", ", shape.Select((d, i) => i == 0 ? "B" : d.ToString(CultureInfo.InvariantCulture))) + ")";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static readonly string[] Header = ["layer", "type", "output shape", "parameters", "trainable", "note"];

    private IEnumerable<string[]> Cells() => Layers.Select(l => new[]
    {
        l.Label, l.Type, FormatShape(l.OutputShape), Invariant($"{l.Parameters:N0}"),
        l.Parameters == 0 ? "–" : l.Trainable ? "yes" : l.TrainableParameters == 0 ? "no" : "partly", l.Note ?? "",
    });

    private IEnumerable<(string Label, string Value)> Totals()
    {
        yield return ("output", FormatShape(OutputShape));
        yield return ("total parameters", Invariant($"{Total:N0}"));
        yield return ("trainable", Invariant($"{Trainable:N0}"));
        yield return ("non-trainable", Invariant($"{NonTrainable:N0}"));
        if (KerasTotal != Total) yield return ("Keras equivalent", Invariant($"{KerasTotal:N0}"));
    }

    /// <summary>An HTML table: a row per layer call, right-aligned counts, totals and footnotes below.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder("<table class=\"model-summary\"><caption>").Append(Html.Escape(Title)).Append("</caption><thead><tr>");
        foreach (var h in Header) html.Append("<th>").Append(Html.Escape(h)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var row in Cells())
        {
            html.Append("<tr>");
            for (var c = 0; c < row.Length; c++)
                html.Append(c == 3 ? "<td style=\"text-align:right\">" : "<td>").Append(Html.Escape(row[c])).Append("</td>");
            html.Append("</tr>");
        }
        html.Append("</tbody><tfoot>");
        foreach (var (label, value) in Totals())
            html.Append("<tr><th colspan=\"3\" style=\"text-align:left\">").Append(Html.Escape(label)).Append("</th><td style=\"text-align:right\">")
                .Append(Html.Escape(value)).Append("</td><td colspan=\"2\"></td></tr>");
        html.Append("</tfoot></table><ul class=\"model-summary-notes\">");
        foreach (var note in Notes) html.Append("<li>").Append(Html.Escape(note)).Append("</li>");
        return html.Append("</ul>").ToString();
    }

    /// <summary>The summary as aligned plain text, Keras-style: title, a rule, one line per layer call, totals and notes.</summary>
    public override string ToString()
    {
        var rows = Cells().ToList();
        var widths = Header.Select((h, c) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[c].Length))).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((v, c) => c == 3 ? v.PadLeft(widths[c]) : v.PadRight(widths[c]))).TrimEnd();
        var rule = new string('-', widths.Sum() + 2 * (widths.Length - 1));
        var text = new StringBuilder().AppendLine(Title).AppendLine(rule).AppendLine(Line(Header)).AppendLine(rule);
        foreach (var row in rows) text.AppendLine(Line(row));
        text.AppendLine(rule);
        var labelWidth = Totals().Max(t => t.Label.Length);
        foreach (var (label, value) in Totals()) text.Append(label.PadRight(labelWidth)).Append("  ").AppendLine(value);
        foreach (var note in Notes) text.Append("* ").AppendLine(note);
        return text.ToString().TrimEnd('\n', '\r');
    }
}
