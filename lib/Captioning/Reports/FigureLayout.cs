using Plotly.NET;

namespace Captioning.Reports;

/// <summary>The workbook's plot style as a Plotly.NET layout: white background, the palette, titles, grouped bars.</summary>
internal static class FigureLayout
{
    internal static readonly string[] Palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

    /// <summary>The space between two panels, as a share of the figure's width: room for the right one's y-axis labels.</summary>
    public const double PanelGap = 0.08;

    /// <summary>The layout of <paramref name="figure"/> whose traces have the plotly types <paramref name="types"/>, in order.</summary>
    public static Layout Of(Figure figure, IReadOnlyList<string> types)
    {
        var layout = new Layout();
        layout.SetProperty("paper_bgcolor", "#ffffff");
        layout.SetProperty("plot_bgcolor", "#ffffff");
        // A colour-blind-safe palette (Okabe-Ito), so merge vs inject stays readable for everyone.
        layout.SetProperty("colorway", Palette);
        layout.SetProperty("height", figure.Height);
        layout.SetProperty("margin", Object(("l", 60), ("r", 20), ("t", figure.Title is null ? 20 : 50), ("b", 50)));
        layout.SetProperty("font", Object(("family", "system-ui, -apple-system, 'Segoe UI', sans-serif"), ("size", 13)));
        layout.SetProperty("showlegend", figure.ShowLegend && types.Count > 1);
        if (figure.Title is not null) layout.SetProperty("title", Object(("text", figure.Title)));
        var xaxis = Axis(figure.XTitle);
        if (figure.XTicks is { } ticks)
        {
            xaxis.SetProperty("tickmode", "array");
            xaxis.SetProperty("tickvals", ticks.ToArray());
        }
        layout.SetProperty("xaxis", xaxis);
        layout.SetProperty("yaxis", Axis(figure.YTitle));
        AddPanels(layout, figure.Panels, xaxis);
        // Several histograms share their bins side by side too: overlaid opaque bars hide each other.
        if (types.Any(t => t is "bar" or "histogram")) layout.SetProperty("barmode", "group");
        // Grouped bars read best with room between categories; histogram bins should nearly touch.
        if (types.Contains("bar")) layout.SetProperty("bargap", 0.25);
        else if (types.Contains("histogram")) layout.SetProperty("bargap", 0.06);
        return layout;
    }

    // Panels side by side: the first takes what the others leave, each further one gets axes xN/yN anchored to each other.
    private static void AddPanels(Layout layout, IReadOnlyList<FigurePanel> panels, DynamicObj.DynamicObj firstX)
    {
        if (panels.Count == 0) return;
        var end = 1 - panels.Sum(p => p.Width) - PanelGap * panels.Count;
        firstX.SetProperty("domain", new[] { 0, end });
        for (var i = 0; i < panels.Count; i++)
        {
            var number = (i + 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var start = end + PanelGap;
            end = start + panels[i].Width;
            var x = Axis(panels[i].XTitle);
            x.SetProperty("domain", new[] { start, Math.Min(end, 1) });
            x.SetProperty("anchor", "y" + number);
            var y = Axis(panels[i].YTitle);
            y.SetProperty("anchor", "x" + number);
            layout.SetProperty("xaxis" + number, x);
            layout.SetProperty("yaxis" + number, y);
        }
    }

    private static DynamicObj.DynamicObj Axis(string? title)
    {
        var axis = Object(("gridcolor", "#e5e7eb"), ("zerolinecolor", "#d1d5db"), ("automargin", true));
        if (title is not null) axis.SetProperty("title", Object(("text", title)));
        return axis;
    }

    internal static DynamicObj.DynamicObj Object(params (string Name, object Value)[] properties)
    {
        var value = new DynamicObj.DynamicObj();
        foreach (var (name, property) in properties) value.SetProperty(name, property);
        return value;
    }
}
