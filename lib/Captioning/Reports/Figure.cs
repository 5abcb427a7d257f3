using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Captioning.Reports;

/// <summary>
/// A Plotly figure built from traces (lines, grouped bars with error bars, histograms, scatter
/// groups). <see cref="ToJson"/> is the figure as plotly.js reads it; <see cref="ToHtml"/> draws
/// it with Plotly.newPlot, which needs plotly.min.js loaded by the page (the reports do that).
/// </summary>
[TypeFormatterSource(typeof(RichFormatterSource))]
public sealed class Figure : IHtmlRenderable
{
    // A colour-blind-safe palette (Okabe-Ito), so merge vs inject stays readable for everyone.
    private static readonly string[] Palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
    private static int nextId;

    // Plain JSON for files and tests; ToHtml keeps the default encoder, which is safe inside a script element.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly List<JsonObject> traces = [];

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

    /// <summary>Whether the legend is shown (it is hidden anyway for a single unnamed trace).</summary>
    public bool ShowLegend { get; set; } = true;

    /// <summary>Plot height in pixels; the width follows the page.</summary>
    public int Height { get; set; } = 420;

    /// <summary>Number of traces added so far.</summary>
    public int TraceCount => traces.Count;

    /// <summary>Adds a line with markers through the points (x[i], y[i]).</summary>
    public Figure AddLine(string name, IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        CheckLengths(name, "x", x.Count, "y", y.Count);
        traces.Add(new JsonObject
        {
            ["type"] = "scatter", ["mode"] = "lines+markers", ["name"] = name,
            ["x"] = Numbers(x), ["y"] = Numbers(y),
        });
        return this;
    }

    /// <summary>Adds one bar series; series added to one figure are drawn side by side per category, with optional ± error bars.</summary>
    public Figure AddBar(string name, IReadOnlyList<string> categories, IReadOnlyList<double> values, IReadOnlyList<double>? errors = null)
    {
        CheckLengths(name, "categories", categories.Count, "values", values.Count);
        var trace = new JsonObject
        {
            ["type"] = "bar", ["name"] = name,
            ["x"] = new JsonArray(categories.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
            ["y"] = Numbers(values),
        };
        if (errors is not null)
        {
            CheckLengths(name, "values", values.Count, "errors", errors.Count);
            trace["error_y"] = new JsonObject { ["type"] = "data", ["array"] = Numbers(errors), ["visible"] = true };
        }
        traces.Add(trace);
        return this;
    }

    /// <summary>
    /// Adds a histogram of the values; <paramref name="bins"/> caps the number of bins (plotly picks them when null).
    /// Histograms that are compared in one figure need the same <paramref name="edges"/> (first edge, bin width):
    /// otherwise plotly bins each trace on its own and the bars do not line up.
    /// </summary>
    public Figure AddHistogram(string name, IReadOnlyList<double> values, int? bins = null, (double Start, double Width)? edges = null)
    {
        if (bins is <= 0) throw new CaptioningException($"histogram '{name}': bins must be positive, got {bins}");
        var trace = new JsonObject { ["type"] = "histogram", ["name"] = name, ["x"] = Numbers(values) };
        if (bins is not null) trace["nbinsx"] = bins.Value;
        if (edges is { } e)
        {
            if (!(e.Width > 0) || !double.IsFinite(e.Start)) throw new CaptioningException($"histogram '{name}': bin width must be positive and the start finite, got start {e.Start}, width {e.Width}");
            trace["xbins"] = new JsonObject { ["start"] = e.Start, ["size"] = e.Width };
        }
        traces.Add(trace);
        return this;
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
            var trace = new JsonObject
            {
                ["type"] = "scatter", ["mode"] = "markers", ["name"] = group,
                ["x"] = Numbers(rows.Select(i => x[i]).ToArray()),
                ["y"] = Numbers(rows.Select(i => y[i]).ToArray()),
            };
            if (labels is not null) trace["text"] = new JsonArray(rows.Select(i => (JsonNode?)JsonValue.Create(labels[i])).ToArray());
            traces.Add(trace);
        }
        return this;
    }

    /// <summary>The figure as plotly.js JSON: {"data":[traces],"layout":{...}}.</summary>
    public string ToJson() => new JsonObject { ["data"] = DataJson(), ["layout"] = LayoutJson() }.ToJsonString(Readable);

    /// <summary>A div and a script calling Plotly.newPlot with this figure.</summary>
    public string ToHtml()
    {
        var id = "fig-" + Interlocked.Increment(ref nextId).ToString(CultureInfo.InvariantCulture);
        // System.Text.Json's default encoder writes < > & as \u003C..., so no title can close the script element.
        var data = DataJson().ToJsonString();
        var layout = LayoutJson().ToJsonString();
        return $"<div class=\"plotly-figure\" id=\"{id}\" style=\"height:{Height}px\"></div>\n" +
               $"<script>Plotly.newPlot(\"{id}\", {data}, {layout}, {{\"responsive\":true,\"displaylogo\":false,\"displayModeBar\":false}});</script>";
    }

    /// <summary>The title and trace names as plain text, the fallback where HTML is not shown.</summary>
    public override string ToString() =>
        $"Figure '{Title ?? "(untitled)"}': {string.Join(", ", traces.Select(t => $"{t["type"]} '{t["name"]}'"))}";

    private JsonArray DataJson() => new(traces.Select(t => (JsonNode?)t.DeepClone()).ToArray());

    private JsonObject LayoutJson()
    {
        var layout = new JsonObject
        {
            ["paper_bgcolor"] = "#ffffff",
            ["plot_bgcolor"] = "#ffffff",
            ["colorway"] = new JsonArray(Palette.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
            ["height"] = Height,
            ["margin"] = new JsonObject { ["l"] = 60, ["r"] = 20, ["t"] = Title is null ? 20 : 50, ["b"] = 50 },
            ["font"] = new JsonObject { ["family"] = "system-ui, -apple-system, 'Segoe UI', sans-serif", ["size"] = 13 },
            ["showlegend"] = ShowLegend && traces.Count > 1,
        };
        if (Title is not null) layout["title"] = new JsonObject { ["text"] = Title };
        layout["xaxis"] = Axis(XTitle);
        layout["yaxis"] = Axis(YTitle);
        // Several histograms share their bins side by side too: overlaid opaque bars hide each other.
        if (traces.Any(t => (string?)t["type"] is "bar" or "histogram")) layout["barmode"] = "group";
        // Grouped bars read best with room between categories; histogram bins should nearly touch.
        if (traces.Any(t => (string?)t["type"] == "bar")) layout["bargap"] = 0.25;
        else if (traces.Any(t => (string?)t["type"] == "histogram")) layout["bargap"] = 0.06;
        return layout;
    }

    private static JsonObject Axis(string? title)
    {
        var axis = new JsonObject { ["gridcolor"] = "#e5e7eb", ["zerolinecolor"] = "#d1d5db", ["automargin"] = true };
        if (title is not null) axis["title"] = new JsonObject { ["text"] = title };
        return axis;
    }

    // JSON has no NaN or infinity; plotly draws null as a gap, which is what a missing value is.
    private static JsonArray Numbers(IReadOnlyList<double> values) =>
        new(values.Select(v => double.IsFinite(v) ? (JsonNode?)JsonValue.Create(v) : null).ToArray());

    private static void CheckLengths(string trace, string first, int firstCount, string second, int secondCount)
    {
        if (firstCount != secondCount)
            throw new CaptioningException($"figure trace '{trace}': {first} has {firstCount} values but {second} has {secondCount}; they must match");
    }
}
