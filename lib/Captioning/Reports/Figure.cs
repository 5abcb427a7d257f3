using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Plotly.NET;
using Plotly.NET.TraceObjects;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Captioning.Reports;

/// <summary>
/// A Plotly.NET chart of traces (lines, grouped bars with error bars, histograms, scatter groups) in the
/// workbook's style. <see cref="Chart"/> is the Plotly.NET chart, <see cref="ToJson"/> the figure as plotly.js
/// reads it, and <see cref="ToHtml"/> draws it with plotly.js from the page (<see cref="PlotlyJs"/>), never
/// from a CDN.
/// </summary>
[TypeFormatterSource(typeof(RichFormatterSource))]
public sealed partial class Figure : IHtmlRenderable
{
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Plotly.NET's Chart.combine shares (and later mutates) the first chart's layout, so every build starts from fresh traces.
    private readonly List<(string Type, string Name, int Panel, Func<GenericChart> Build)> traces = [];
    private readonly List<FigurePanel> panels = [];

    /// <summary>Creates an empty figure with an optional title and axis titles.</summary>
    public Figure(string? title = null, string? xTitle = null, string? yTitle = null)
    {
        Title = title;
        XTitle = xTitle;
        YTitle = yTitle;
    }

    /// <summary>The title above the plot, or null for none.</summary>
    public string? Title { get; set; }

    /// <summary>The x-axis title, or null for none.</summary>
    public string? XTitle { get; set; }

    /// <summary>The y-axis title, or null for none.</summary>
    public string? YTitle { get; set; }

    /// <summary>Whether the legend is shown (it is hidden anyway for a single trace).</summary>
    public bool ShowLegend { get; set; } = true;

    /// <summary>Plot height in pixels; the width follows the page.</summary>
    public int Height { get; set; } = 420;

    /// <summary>Number of traces added so far.</summary>
    public int TraceCount => traces.Count;

    /// <summary>
    /// Where the x-axis has its ticks (of the first panel), or null to let plotly choose; e.g. the beam sizes of a
    /// sweep, so that no tick falls between two of them.
    /// </summary>
    public IReadOnlyList<double>? XTicks { get; set; }

    /// <summary>The panels added beside the first one (see <see cref="AddPanel"/>), left to right.</summary>
    public IReadOnlyList<FigurePanel> Panels => panels;

    /// <summary>The figure as a Plotly.NET chart (a new one on every call), to restyle with Plotly.NET's own API.</summary>
    public GenericChart Chart
    {
        get
        {
            KernelFormatters.EnsureRegistered();
            var chart = traces.Count == 0
                ? GenericChart.ofTraceObjects(false, Array.Empty<Trace>()) // combine refuses an empty list
                : Plotly.NET.Chart.combine(BuildTraces());
            return Plotly.NET.Chart.withLayout(FigureLayout.Of(this, traces.Select(t => t.Type).ToList())).Invoke(chart);
        }
    }

    /// <summary>
    /// Adds a panel to the right of the others, with its own x- and y-axis, taking <paramref name="width"/> of the
    /// figure's width (the first panel takes what the added ones leave). Bars go into it with their panel index
    /// (1 for the first added). A series drawn in several panels keeps one colour and one legend entry. Use it for a
    /// quantity on another scale, so that it does not squash the others.
    /// </summary>
    public Figure AddPanel(string? xTitle, string? yTitle, double width)
    {
        var left = 1 - panels.Sum(p => p.Width) - width - FigureLayout.PanelGap * (panels.Count + 1);
        if (!(width > 0) || left < 0.1)
            throw new CaptioningException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"figure panel '{yTitle}': width {width} must be positive and leave the first panel at least 0.1 of the figure's width; it would leave {left:F2}"));
        panels.Add(new FigurePanel(xTitle, yTitle, width));
        return this;
    }

    /// <summary>Adds a line with markers through the points (x[i], y[i]); a non-finite y is a gap.</summary>
    public Figure AddLine(string name, IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        CheckLengths(name, "x", x.Count, "y", y.Count);
        var (xs, ys) = (x.ToArray(), Gaps(y));
        return Add("scatter", name, () => CSharpChart.Line<double, IConvertible, string>(xs, ys, ShowMarkers: true, Name: name, UseDefaults: false));
    }

    /// <summary>
    /// Adds one bar series; series added to one figure are drawn side by side per category, with optional ± error bars,
    /// in <paramref name="panel"/> (0 is the first; see <see cref="AddPanel"/>) and with an optional <paramref name="style"/>.
    /// </summary>
    public Figure AddBar(string name, IReadOnlyList<string> categories, IReadOnlyList<double> values, IReadOnlyList<double>? errors = null,
        int panel = 0, BarStyle? style = null)
    {
        CheckLengths(name, "categories", categories.Count, "values", values.Count);
        if (errors is not null) CheckLengths(name, "values", values.Count, "errors", errors.Count);
        if (panel < 0 || panel > panels.Count)
            throw new CaptioningException($"bar series '{name}': panel {panel} does not exist; the figure has panels 0 to {panels.Count} (add one with AddPanel)");
        style?.Validate(name);
        var (keys, ys, error) = (categories.ToArray(), Gaps(values), errors is null ? null : Gaps(errors));
        return Add("bar", name, panel, () =>
        {
            var marker = new Marker();
            if (style?.Color is { } fillColour) marker.SetProperty("color", fillColour);
            // Column replaces a pattern set on the marker with its own, so the pattern goes in as its argument.
            var bars = style?.Pattern is { } shape
                ? CSharpChart.Column<IConvertible, string, string>(ys, Keys: keys, Name: name, Marker: marker, MarkerPattern: Hatching(shape), UseDefaults: false)
                : CSharpChart.Column<IConvertible, string, string>(ys, Keys: keys, Name: name, Marker: marker, UseDefaults: false);
            if (error is null) return bars;
            var whiskers = new Error();
            whiskers.SetProperty("type", "data");
            whiskers.SetProperty("array", error);
            whiskers.SetProperty("visible", true);
            return Plotly.NET.Chart.withYError(whiskers).Invoke(bars);
        });
    }

    /// <summary>
    /// Adds a histogram of the values; <paramref name="bins"/> caps the number of bins (plotly picks them when null).
    /// Histograms that are compared in one figure need the same <paramref name="edges"/> (first edge, bin width):
    /// otherwise plotly bins each trace on its own and the bars do not line up.
    /// </summary>
    public Figure AddHistogram(string name, IReadOnlyList<double> values, int? bins = null, (double Start, double Width)? edges = null)
    {
        if (bins is <= 0) throw new CaptioningException($"histogram '{name}': bins must be positive, got {bins}");
        if (edges is { } e && (!(e.Width > 0) || !double.IsFinite(e.Start)))
            throw new CaptioningException($"histogram '{name}': bin width must be positive and the start finite, got start {e.Start}, width {e.Width}");
        var xs = values.Where(double.IsFinite).ToArray();
        return Add("histogram", name, () =>
        {
            var histogram = bins is null
                ? CSharpChart.Histogram<double, double, string>(X: xs, Name: name, UseDefaults: false)
                : CSharpChart.Histogram<double, double, string>(X: xs, Name: name, NBinsX: bins.Value, UseDefaults: false);
            if (edges is not { } shared) return histogram;
            var xbins = new Bins();
            xbins.SetProperty("start", shared.Start);
            xbins.SetProperty("size", shared.Width);
            return Styled(histogram, trace => trace.SetProperty("xbins", xbins));
        });
    }

    /// <summary>Adds a scatter of points, one trace (one colour) per distinct group in order of first appearance; labels become hover text.</summary>
    public Figure AddScatter(IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<string> groups, IReadOnlyList<string>? labels = null)
    {
        CheckLengths("scatter", "x", x.Count, "y", y.Count);
        CheckLengths("scatter", "x", x.Count, "groups", groups.Count);
        if (labels is not null) CheckLengths("scatter", "x", x.Count, "labels", labels.Count);
        foreach (var group in groups.Distinct())
        {
            var rows = Enumerable.Range(0, x.Count).Where(i => groups[i] == group).ToArray();
            var (xs, ys) = (rows.Select(i => x[i]).ToArray(), Gaps(rows.Select(i => y[i]).ToList()));
            var text = labels is null ? null : rows.Select(i => labels[i]).ToArray();
            Add("scatter", group, () => text is null
                ? CSharpChart.Point<double, IConvertible, string>(xs, ys, Name: group, UseDefaults: false)
                : CSharpChart.Point<double, IConvertible, string>(xs, ys, Name: group, MultiText: text, UseDefaults: false));
        }
        return this;
    }

    /// <summary>The figure as plotly.js JSON, {"data":[traces],"layout":{...}}, as Plotly.NET serialises it.</summary>
    public string ToJson() => PlotlyJson(Chart).ToJsonString(Readable);

    /// <summary>A div and a script that draws this figure with plotly.js once the page has it.</summary>
    public string ToHtml() => ChartHtml(Chart, Height);

    /// <summary>The title and trace names as plain text, the fallback where HTML is not shown.</summary>
    public override string ToString() =>
        $"Figure '{Title ?? "(untitled)"}': {string.Join(", ", traces.Select(t => $"{t.Type} '{t.Name}'"))}";

    /// <summary>
    /// A div and a script drawing <paramref name="chart"/>: now when window.Plotly exists, else when the page's
    /// <see cref="PlotlyJs.Loader"/> runs. The id is random: a notebook page keeps outputs of earlier kernel sessions.
    /// </summary>
    internal static string ChartHtml(GenericChart chart, int height)
    {
        var id = "fig-" + Guid.NewGuid().ToString("N")[..12];
        var figure = PlotlyJson(chart);
        // System.Text.Json's default encoder writes < > & as \u003C..., so no title can close the script element.
        var data = figure["data"]!.ToJsonString();
        var layout = figure["layout"]!.ToJsonString();
        return $"<div {PlotlyJs.ChartMarker} id=\"{id}\" style=\"height:{height}px\"></div>\n" +
               "<script>(function () { var draw = function () { " +
               $"Plotly.newPlot(\"{id}\", {data}, {layout}, {{\"responsive\":true,\"displaylogo\":false,\"displayModeBar\":false}}); }};\n" +
               $"if (window.Plotly) draw(); else ({PlotlyJs.Queue} = {PlotlyJs.Queue} || []).push(draw); }})();</script>";
    }

    // Plotly.NET's figure JSON without its empty "frames".
    private static JsonObject PlotlyJson(GenericChart chart)
    {
        var figure = JsonNode.Parse(GenericChart.toFigureJson(chart))!.AsObject();
        return new JsonObject { ["data"] = figure["data"]!.DeepClone(), ["layout"] = figure["layout"]!.DeepClone() };
    }

    private Figure Add(string type, string name, Func<GenericChart> build) => Add(type, name, 0, build);

    private Figure Add(string type, string name, int panel, Func<GenericChart> build)
    {
        traces.Add((type, name, panel, build));
        return this;
    }

    // One chart per trace. With several panels, each series name gets one palette colour and one legend entry
    // (plotly's colorway would colour the same series anew in every panel), and a trace is bound to its panel's axes.
    private IEnumerable<GenericChart> BuildTraces()
    {
        if (panels.Count == 0) return traces.Select(t => t.Build());
        var names = traces.Select(t => t.Name).Distinct().ToList();
        var shown = new HashSet<string>();
        return traces.Select(t =>
        {
            var first = shown.Add(t.Name);
            return Styled(t.Build(), trace =>
            {
                // A bar without a colour of its own (BarStyle) takes its series' palette colour.
                if (trace.GetPropertyValue("marker") is DynamicObj.DynamicObj marker && marker.TryGetPropertyValue("color") is null)
                    marker.SetProperty("color", Colour(names.IndexOf(t.Name)));
                Grouped(trace, t.Name, first);
                if (t.Panel > 0)
                {
                    trace.SetProperty("xaxis", "x" + (t.Panel + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    trace.SetProperty("yaxis", "y" + (t.Panel + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            });
        });
    }

    // A plotly.js pattern drawn in dark grey over the bar's fill.
    private static Pattern Hatching(string shape)
    {
        var fill = new Pattern();
        fill.SetProperty("shape", shape);
        fill.SetProperty("fgcolor", "#374151");
        fill.SetProperty("solidity", 0.3);
        return fill;
    }

    // JSON has no NaN or infinity; plotly draws null as a gap, which is what a missing value is.
    private static IConvertible[] Gaps(IReadOnlyList<double> values) =>
        values.Select(v => double.IsFinite(v) ? (IConvertible)v : null!).ToArray();

    private static void CheckLengths(string trace, string first, int firstCount, string second, int secondCount)
    {
        if (firstCount != secondCount)
            throw new CaptioningException($"figure trace '{trace}': {first} has {firstCount} values but {second} has {secondCount}; they must match");
    }
}
