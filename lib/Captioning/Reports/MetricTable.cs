using System.Text;

namespace Captioning.Reports;

/// <summary>
/// A table of scores: one row per model or setting, one column per metric, optionally with a
/// confidence interval per cell. The best value of each column is shown in bold unless
/// <see cref="MarkBest"/> is off (a table of differences has no "best" row).
/// </summary>
[TypeFormatterSource(typeof(RichFormatterSource))]
public sealed class MetricTable : IHtmlRenderable
{
    private readonly List<(string Name, double[] Values, (double Low, double High)[]? Intervals)> rows = [];

    /// <summary>Creates a table with the given metric columns (e.g. BLEU-1..4, CIDEr-D).</summary>
    public MetricTable(IReadOnlyList<string> columns, string? title = null, int decimals = 3)
    {
        if (columns.Count == 0) throw new CaptioningException("a metric table needs at least one column");
        Columns = columns.ToArray();
        Title = title;
        Decimals = decimals;
    }

    /// <summary>The metric column names.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The caption above the table, or null.</summary>
    public string? Title { get; }

    /// <summary>Decimals shown for every value.</summary>
    public int Decimals { get; }

    /// <summary>Whether a larger value is better in every column (true for BLEU, CIDEr, ROUGE); decides which cell is bold.</summary>
    public bool HigherIsBetter { get; init; } = true;

    /// <summary>Whether the best value of each column is bold; off for tables whose rows are differences between models, where the largest difference is not a winner.</summary>
    public bool MarkBest { get; init; } = true;

    /// <summary>Number of rows added.</summary>
    public int RowCount => rows.Count;

    /// <summary>Adds a row of values, one per column, with optional (low, high) intervals.</summary>
    public MetricTable AddRow(string name, IReadOnlyList<double> values, IReadOnlyList<(double Low, double High)>? intervals = null)
    {
        if (values.Count != Columns.Count)
            throw new CaptioningException($"metric table row '{name}' has {values.Count} values but the table has {Columns.Count} columns ({string.Join(", ", Columns)})");
        if (intervals is not null && intervals.Count != Columns.Count)
            throw new CaptioningException($"metric table row '{name}' has {intervals.Count} intervals but the table has {Columns.Count} columns");
        rows.Add((name, values.ToArray(), intervals?.ToArray()));
        return this;
    }

    /// <summary>An HTML table with a header row, right-aligned numbers and the best value per column in bold.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder("<table class=\"metric-table\">");
        if (Title is not null) html.Append("<caption>").Append(Html.Escape(Title)).Append("</caption>");
        html.Append("<thead><tr><th></th>");
        foreach (var column in Columns) html.Append("<th>").Append(Html.Escape(column)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        var best = BestPerColumn();
        foreach (var (name, values, intervals) in rows)
        {
            html.Append("<tr><th>").Append(Html.Escape(name)).Append("</th>");
            for (var c = 0; c < values.Length; c++)
            {
                var isBest = MarkBest && rows.Count > 1 && double.IsFinite(values[c]) && values[c] == best[c];
                html.Append(isBest ? "<td class=\"best\">" : "<td>").Append(Html.Number(values[c], Decimals));
                if (intervals is not null)
                    html.Append("<span class=\"ci\"> [").Append(Html.Number(intervals[c].Low, Decimals)).Append(", ")
                        .Append(Html.Number(intervals[c].High, Decimals)).Append("]</span>");
                html.Append("</td>");
            }
            html.Append("</tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>The table as aligned plain text.</summary>
    public override string ToString()
    {
        var cells = rows.Select(r => new[] { r.Name }.Concat(r.Values.Select((v, c) =>
            Html.Number(v, Decimals) + (r.Intervals is null ? "" : $" [{Html.Number(r.Intervals[c].Low, Decimals)}, {Html.Number(r.Intervals[c].High, Decimals)}]"))).ToArray()).ToList();
        var header = new[] { "" }.Concat(Columns).ToArray();
        var widths = header.Select((h, c) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(r => r[c].Length))).ToArray();
        var text = new StringBuilder();
        if (Title is not null) text.AppendLine(Title);
        text.AppendLine(string.Join("  ", header.Select((h, c) => c == 0 ? h.PadRight(widths[c]) : h.PadLeft(widths[c]))).TrimEnd());
        foreach (var row in cells)
            text.AppendLine(string.Join("  ", row.Select((v, c) => c == 0 ? v.PadRight(widths[c]) : v.PadLeft(widths[c]))).TrimEnd());
        return text.ToString().TrimEnd('\n', '\r');
    }

    private double[] BestPerColumn() =>
        Enumerable.Range(0, Columns.Count).Select(c =>
        {
            var finite = rows.Select(r => r.Values[c]).Where(double.IsFinite).ToList();
            return finite.Count == 0 ? double.NaN : HigherIsBetter ? finite.Max() : finite.Min();
        }).ToArray();
}
