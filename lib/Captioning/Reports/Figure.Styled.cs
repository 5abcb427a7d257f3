using System.Globalization;
using Plotly.NET;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Captioning.Reports;

/// <summary>How <see cref="Figure.AddLine(string, IReadOnlyList{double}, IReadOnlyList{double}, LineStyle)"/> draws a line.</summary>
/// <param name="Colour">A CSS colour, e.g. <see cref="Figure.Colour"/> of the series' index.</param>
/// <param name="Dashed">A dashed line (the workbook draws training curves dashed, validation curves solid).</param>
/// <param name="Group">Traces of one legend group are shown and hidden together (one model's lines, band and marker).</param>
/// <param name="InLegend">Whether the trace has its own legend entry.</param>
/// <param name="Markers">Whether each point gets a marker.</param>
public sealed record LineStyle(string Colour, bool Dashed = false, string? Group = null, bool InLegend = true, bool Markers = true);

public sealed partial class Figure
{
    /// <summary>The workbook's palette colour number <paramref name="index"/> (Okabe-Ito, colour-blind safe; it repeats after 8).</summary>
    public static string Colour(int index) => FigureLayout.Palette[((index % FigureLayout.Palette.Length) + FigureLayout.Palette.Length) % FigureLayout.Palette.Length];

    /// <summary>Adds a line through (x[i], y[i]) drawn as <paramref name="style"/> says; a non-finite y is a gap.</summary>
    public Figure AddLine(string name, IReadOnlyList<double> x, IReadOnlyList<double> y, LineStyle style)
    {
        CheckLengths(name, "x", x.Count, "y", y.Count);
        var (xs, ys) = (x.ToArray(), Gaps(y));
        return Add("scatter", name, () => Styled(CSharpChart.Line<double, IConvertible, string>(xs, ys, ShowMarkers: style.Markers, Name: name, UseDefaults: false), trace =>
        {
            trace.SetProperty("line", Object(("color", style.Colour), ("dash", style.Dashed ? "dash" : "solid")));
            if (style.Markers) trace.SetProperty("marker", Object(("color", style.Colour)));
            Grouped(trace, style.Group, style.InLegend);
        }));
    }

    /// <summary>
    /// Adds a shaded band between <paramref name="lower"/> and <paramref name="upper"/> over <paramref name="x"/> (e.g. the
    /// spread of several seeds), in a light tint of <paramref name="colour"/>, without a legend entry of its own.
    /// </summary>
    public Figure AddBand(string name, IReadOnlyList<double> x, IReadOnlyList<double> lower, IReadOnlyList<double> upper, string colour, string? group = null)
    {
        CheckLengths(name, "x", x.Count, "lower", lower.Count);
        CheckLengths(name, "x", x.Count, "upper", upper.Count);
        // One closed outline: along the upper edge, then back along the lower one.
        var xs = x.Concat(x.Reverse()).ToArray();
        var ys = Gaps(upper.Concat(lower.Reverse()).ToList());
        return Add("scatter", name, () => Styled(CSharpChart.Line<double, IConvertible, string>(xs, ys, ShowMarkers: false, Name: name, UseDefaults: false), trace =>
        {
            trace.SetProperty("fill", "toself");
            trace.SetProperty("fillcolor", Tint(colour, 0.18));
            trace.SetProperty("line", Object(("width", 0), ("color", colour)));
            trace.SetProperty("hoverinfo", "skip");
            Grouped(trace, group, inLegend: false);
        }));
    }

    /// <summary>Adds points drawn as large <paramref name="symbol"/> markers (plotly symbol names: star, diamond, ...) in <paramref name="colour"/>.</summary>
    public Figure AddMarkers(string name, IReadOnlyList<double> x, IReadOnlyList<double> y, string colour, string symbol = "star", string? group = null, bool inLegend = true)
    {
        CheckLengths(name, "x", x.Count, "y", y.Count);
        var (xs, ys) = (x.ToArray(), Gaps(y));
        return Add("scatter", name, () => Styled(CSharpChart.Point<double, IConvertible, string>(xs, ys, Name: name, UseDefaults: false), trace =>
        {
            trace.SetProperty("marker", Object(("color", colour), ("symbol", symbol), ("size", 14), ("line", Object(("color", "#ffffff"), ("width", 1)))));
            Grouped(trace, group, inLegend);
        }));
    }

    // Every trace of chart changed in place by style (Plotly.NET's mapTrace, from C#).
    private static GenericChart Styled(GenericChart chart, Action<Trace> style) =>
        GenericChart.mapTrace(Microsoft.FSharp.Core.FuncConvert.FromFunc<Trace, Trace>(trace =>
        {
            style(trace);
            return trace;
        }), chart);

    private static void Grouped(Trace trace, string? group, bool inLegend)
    {
        if (group is not null) trace.SetProperty("legendgroup", group);
        trace.SetProperty("showlegend", inLegend);
    }

    // "#RRGGBB" at the given opacity, as an rgba() colour.
    private static string Tint(string colour, double opacity)
    {
        if (colour.Length != 7 || colour[0] != '#') return colour;
        var rgb = Enumerable.Range(0, 3).Select(i => int.Parse(colour.AsSpan(1 + 2 * i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        return string.Create(CultureInfo.InvariantCulture, $"rgba({string.Join(",", rgb)},{opacity})");
    }

    private static DynamicObj.DynamicObj Object(params (string Name, object Value)[] properties) => FigureLayout.Object(properties);
}
