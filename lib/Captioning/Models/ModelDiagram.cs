using System.Globalization;
using System.Security;
using System.Text;
using Captioning.Reports;

namespace Captioning.Models;

/// <summary>Which part of a caption model a diagram node belongs to.</summary>
public enum DiagramBranch
{
    /// <summary>A model input (photo features, word ids).</summary>
    Input,
    /// <summary>The layers that read only the photo.</summary>
    Image,
    /// <summary>The layers that read only the words.</summary>
    Word,
    /// <summary>Where the two branches meet (not a layer: an add, a concatenation, the initial state).</summary>
    Join,
    /// <summary>The layers after the meeting point.</summary>
    Head,
}

/// <summary>A box of a <see cref="ModelDiagram"/>.</summary>
/// <param name="Key">The layer's label in the summary (lstm, drop (call 2)), or a name for inputs and joins.</param>
/// <param name="Title">First line: the layer and its type, or what the join does.</param>
/// <param name="Detail">Second line: output shape and parameters.</param>
/// <param name="Branch">The part of the model it belongs to.</param>
/// <param name="Column">Column 0 (image branch), 1 (middle) or 2 (word branch).</param>
/// <param name="Row">Row from the top, inputs at 0.</param>
public sealed record DiagramNode(string Key, string Title, string Detail, DiagramBranch Branch, int Column, int Row);

/// <summary>An arrow of a <see cref="ModelDiagram"/>, optionally labelled (h₀, c₀).</summary>
public sealed record DiagramEdge(string From, string To, string? Label = null);

/// <summary>
/// The layers of a <see cref="ModelSummary"/> drawn as boxes and arrows with their output shapes: the image
/// branch on the left, the word branch on the right, where they meet and what follows in the middle.
/// Renders as inline SVG in notebooks (ToHtml) and as a list of arrows in text (ToString).
/// </summary>
[TypeFormatterSource(typeof(RichFormatterSource))]
public sealed class ModelDiagram : IHtmlRenderable
{
    private const int NodeWidth = 230, NodeHeight = 44, ColumnPitch = 260, RowPitch = 72, Margin = 16, Top = 56;

    private ModelDiagram(string title, IReadOnlyList<DiagramNode> nodes, IReadOnlyList<DiagramEdge> edges)
    {
        Title = title;
        Nodes = nodes;
        Edges = edges;
    }

    /// <summary>The model's name and sizes.</summary>
    public string Title { get; }

    /// <summary>Every box: inputs, one per summary row (layer call), and the meeting point.</summary>
    public IReadOnlyList<DiagramNode> Nodes { get; }

    /// <summary>Every arrow, by node key.</summary>
    public IReadOnlyList<DiagramEdge> Edges { get; }

    /// <summary>
    /// Lays out the summary's rows. The four caption architectures get their branches; any other module
    /// (or a caption model whose layers were changed) is drawn as one chain in the order the layers ran.
    /// </summary>
    public static ModelDiagram Of(ModelSummary summary)
    {
        var rows = summary.Layers.ToDictionary(l => l.Label);
        var plan = summary.Options is { } o ? Plan(o) : null;
        if (plan is null || !plan.Layers.Select(l => l.Key).ToHashSet().SetEquals(rows.Keys)) return Chain(summary);

        var nodes = new List<DiagramNode>
        {
            new("features", "photo features", ModelSummary.FormatShape([summary.Batch, summary.Options!.FeatureDimension]), DiagramBranch.Input, 0, 0),
            new("words", "word ids", ModelSummary.FormatShape(rows["embed"].OutputShape.Take(2).ToArray()), DiagramBranch.Input, 2, 0),
        };
        foreach (var (key, branch, column, row, extra) in plan.Layers)
            nodes.Add(LayerNode(rows[key], branch, column, row, extra));
        nodes.Add(new DiagramNode("join", plan.Join.Title, plan.Join.Detail(rows), DiagramBranch.Join, plan.Join.Column, plan.Join.Row));
        return new ModelDiagram(summary.Title, nodes, plan.Edges);
    }

    private static DiagramNode LayerNode(LayerSummary layer, DiagramBranch branch, int column, int row, string? extra) =>
        new(layer.Label, $"{layer.Label}: {layer.Type}{extra}",
            ModelSummary.FormatShape(layer.OutputShape) + (layer.Parameters > 0 ? string.Create(CultureInfo.InvariantCulture, $" · {layer.Parameters:N0} params") : ""),
            branch, column, row);

    private static ModelDiagram Chain(ModelSummary summary)
    {
        var nodes = new List<DiagramNode> { new("input", "input", "", DiagramBranch.Input, 1, 0) };
        var edges = new List<DiagramEdge>();
        foreach (var layer in summary.Layers)
        {
            edges.Add(new DiagramEdge(nodes[^1].Key, layer.Label));
            nodes.Add(LayerNode(layer, DiagramBranch.Head, 1, nodes.Count, null));
        }
        return new ModelDiagram(summary.Title, nodes, edges);
    }

    private sealed record JoinPlan(string Title, Func<IReadOnlyDictionary<string, LayerSummary>, string> Detail, int Column, int Row);

    private sealed record LayoutPlan(List<(string Key, DiagramBranch Branch, int Column, int Row, string? Extra)> Layers, JoinPlan Join, List<DiagramEdge> Edges);

    private static string Shape(IReadOnlyList<long> shape) => ModelSummary.FormatShape(shape);

    // Where each architecture's layers sit; the keys are the summary labels of CaptionModel's modules.
    private static LayoutPlan? Plan(CaptionModelOptions o)
    {
        const string Relu = " + ReLU";
        var image = DiagramBranch.Image;
        var word = DiagramBranch.Word;
        var head = DiagramBranch.Head;
        switch (o.Architecture)
        {
            case Architecture.Merge:
            {
                var add = o.Combine == MergeCombine.Add;
                return new LayoutPlan(
                    [("drop_image", image, 0, 1, null), ("image", image, 0, 2, Relu), ("embed", word, 2, 1, null), ("drop", word, 2, 2, null),
                     ("lstm", word, 2, 3, null), ("decoder", head, 1, 5, Relu), ("output", head, 1, 6, null)],
                    new JoinPlan(add ? "merge: add" : "merge: concatenate",
                        r => Shape(add ? r["lstm"].OutputShape : [.. r["lstm"].OutputShape.SkipLast(1), 2 * r["lstm"].OutputShape[^1]]), 1, 4),
                    [new("features", "drop_image"), new("drop_image", "image"), new("image", "join"),
                     new("words", "embed"), new("embed", "drop"), new("drop", "lstm"), new("lstm", "join"),
                     new("join", "decoder"), new("decoder", "output")]);
            }
            case Architecture.InitInject:
                return new LayoutPlan(
                    [("drop_image", image, 0, 1, null), ("image", image, 0, 2, Relu + ", tanh"),
                     ("drop_image (call 2)", image, 1, 1, null), ("image_cell", image, 1, 2, Relu),
                     ("embed", word, 2, 1, null), ("drop", word, 2, 2, null), ("lstm", word, 2, 4, null),
                     ("drop (call 2)", head, 2, 5, null), ("output", head, 2, 6, null)],
                    new JoinPlan("init-inject: initial state", _ => string.Create(CultureInfo.InvariantCulture, $"h₀, c₀: ({o.Layers}, B, {o.HiddenDimension})"), 1, 3),
                    [new("features", "drop_image"), new("drop_image", "image"), new("image", "join", "h₀"),
                     new("features", "drop_image (call 2)"), new("drop_image (call 2)", "image_cell"), new("image_cell", "join", "c₀"),
                     new("words", "embed"), new("embed", "drop"), new("drop", "lstm"), new("join", "lstm", "state"),
                     new("lstm", "drop (call 2)"), new("drop (call 2)", "output")]);
            case Architecture.PreInject:
            case Architecture.ParInject:
            {
                var pre = o.Architecture == Architecture.PreInject;
                return new LayoutPlan(
                    [("drop_image", image, 0, 1, null), ("image", image, 0, 2, Relu), ("embed", word, 2, 1, null), ("drop", word, 2, 2, null),
                     ("lstm", head, 1, 4, null), ("drop (call 2)", head, 1, 5, null), ("output", head, 1, 6, null)],
                    new JoinPlan(pre ? "pre-inject: image as step 0" : "par-inject: [word; image] each step", r =>
                    {
                        var words = r["drop"].OutputShape; // (B, T, E)
                        return Shape(pre ? [words[0], words[1] + 1, words[2]] : [words[0], words[1], words[2] + r["image"].OutputShape[^1]]);
                    }, 1, 3),
                    [new("features", "drop_image"), new("drop_image", "image"), new("image", "join"),
                     new("words", "embed"), new("embed", "drop"), new("drop", "join"),
                     new("join", "lstm"), new("lstm", "drop (call 2)"), new("drop (call 2)", "output")]);
            }
            default:
                return null;
        }
    }

    /// <summary>The diagram as a standalone SVG document (well-formed XML, no external references).</summary>
    public string ToSvg()
    {
        var columns = Nodes.Max(n => n.Column) + 1;
        var width = Margin * 2 + (Nodes.Any(n => n.Column == 2) ? 3 : columns) * ColumnPitch - (ColumnPitch - NodeWidth);
        var height = Top + (Nodes.Max(n => n.Row) + 1) * RowPitch + Margin;
        var byKey = Nodes.ToDictionary(n => n.Key);
        var svg = new StringBuilder();
        svg.Append(I($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"model-diagram\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">"));
        svg.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">")
            .Append("<path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/></marker></defs>");
        svg.Append(I($"<text x=\"{Margin}\" y=\"18\" font-size=\"13\" font-weight=\"bold\">{X(Title)}</text>"));
        if (Nodes.Any(n => n.Branch == DiagramBranch.Image))
            svg.Append(I($"<text class=\"branch\" x=\"{X0(0) + NodeWidth / 2}\" y=\"40\" text-anchor=\"middle\" fill=\"#b35c00\" font-weight=\"bold\">image branch</text>"));
        if (Nodes.Any(n => n.Branch == DiagramBranch.Word))
            svg.Append(I($"<text class=\"branch\" x=\"{X0(2) + NodeWidth / 2}\" y=\"40\" text-anchor=\"middle\" fill=\"#1f5fa8\" font-weight=\"bold\">word branch</text>"));
        foreach (var edge in Edges) AppendEdge(svg, byKey[edge.From], byKey[edge.To], edge.Label);
        foreach (var node in Nodes) AppendNode(svg, node);
        return svg.Append("</svg>").ToString();
    }

    private static int X0(int column) => Margin + column * ColumnPitch;

    private static int Y0(int row) => Top + row * RowPitch;

    private static void AppendNode(StringBuilder svg, DiagramNode node)
    {
        var (cls, fill, stroke) = node.Branch switch
        {
            DiagramBranch.Input => ("input", "#ffffff", "#888888"),
            DiagramBranch.Image => ("layer image", "#fdf0dc", "#b35c00"),
            DiagramBranch.Word => ("layer word", "#e3eefa", "#1f5fa8"),
            DiagramBranch.Join => ("join", "#e6f4e6", "#2e7d32"),
            _ => ("layer head", "#f0f0f0", "#555555"),
        };
        var (x, y) = (X0(node.Column), Y0(node.Row));
        var radius = node.Branch == DiagramBranch.Join ? 20 : 4;
        svg.Append(I($"<g class=\"{cls}\" data-key=\"{X(node.Key)}\">"))
            .Append(I($"<rect x=\"{x}\" y=\"{y}\" width=\"{NodeWidth}\" height=\"{NodeHeight}\" rx=\"{radius}\" fill=\"{fill}\" stroke=\"{stroke}\"/>"))
            .Append(I($"<text x=\"{x + NodeWidth / 2}\" y=\"{y + 18}\" text-anchor=\"middle\" font-weight=\"bold\">{X(node.Title)}</text>"))
            .Append(I($"<text x=\"{x + NodeWidth / 2}\" y=\"{y + 34}\" text-anchor=\"middle\">{X(node.Detail)}</text>"))
            .Append("</g>");
    }

    private static void AppendEdge(StringBuilder svg, DiagramNode from, DiagramNode to, string? label)
    {
        int x1, y1, x2, y2;
        if (from.Row == to.Row)
        {
            // Side by side: from the facing edges.
            var rightward = from.Column < to.Column;
            (x1, y1) = (X0(from.Column) + (rightward ? NodeWidth : 0), Y0(from.Row) + NodeHeight / 2);
            (x2, y2) = (X0(to.Column) + (rightward ? 0 : NodeWidth), Y0(to.Row) + NodeHeight / 2);
        }
        else
        {
            (x1, y1) = (X0(from.Column) + NodeWidth / 2, Y0(from.Row) + NodeHeight);
            (x2, y2) = (X0(to.Column) + NodeWidth / 2, Y0(to.Row));
        }
        svg.Append(I($"<line class=\"edge\" x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\" stroke=\"#555\" stroke-width=\"1.2\" marker-end=\"url(#arrow)\"/>"));
        if (label is not null)
            svg.Append(I($"<text class=\"edge-label\" x=\"{(x1 + x2) / 2 + 6}\" y=\"{(y1 + y2) / 2 - 4}\" fill=\"#2e7d32\">{X(label)}</text>"));
    }

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string X(string text) => SecurityElement.Escape(text) ?? "";

    /// <summary>The SVG inline, for a notebook cell.</summary>
    public string ToHtml() => ToSvg();

    /// <summary>The diagram as text: the title, then one line per arrow with both ends' shapes.</summary>
    public override string ToString()
    {
        var byKey = Nodes.ToDictionary(n => n.Key);
        var text = new StringBuilder().AppendLine(Title);
        foreach (var edge in Edges)
        {
            var (from, to) = (byKey[edge.From], byKey[edge.To]);
            text.Append(from.Title).Append(' ').Append(from.Detail).Append(" -> ").Append(to.Title).Append(' ').Append(to.Detail);
            if (edge.Label is not null) text.Append("  [").Append(edge.Label).Append(']');
            text.AppendLine();
        }
        return text.ToString().TrimEnd('\n', '\r');
    }
}
