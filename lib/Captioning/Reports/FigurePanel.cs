namespace Captioning.Reports;

/// <summary>A panel beside a figure's first one, with its own axes (see <see cref="Figure.AddPanel"/>).</summary>
/// <param name="XTitle">Its x-axis title, or null.</param>
/// <param name="YTitle">Its y-axis title, or null.</param>
/// <param name="Width">Its share of the figure's width, between 0 and 1.</param>
public sealed record FigurePanel(string? XTitle, string? YTitle, double Width);

/// <summary>How a bar series is filled, when the palette's next colour is not enough: e.g. baselines in grey and hatched, apart from the models.</summary>
/// <param name="Color">A CSS colour ("#9ca3af"), or null for the palette's.</param>
/// <param name="Pattern">A plotly.js pattern shape drawn over the fill: "/", "\\", "x", "-", "|", "+" or "."; null for a plain fill.</param>
public sealed record BarStyle(string? Color = null, string? Pattern = null)
{
    private static readonly string[] Shapes = ["/", "\\", "x", "-", "|", "+", "."];

    internal void Validate(string series)
    {
        if (Pattern is not null && !Shapes.Contains(Pattern))
            throw new CaptioningException($"bar series '{series}': pattern '{Pattern}' is not a plotly.js pattern shape; expected one of {string.Join(" ", Shapes)}");
        if (Color is not null && string.IsNullOrWhiteSpace(Color))
            throw new CaptioningException($"bar series '{series}': colour is empty; give a CSS colour such as #9ca3af, or null for the palette's");
    }
}
