using System.Globalization;
using System.Text;
using Microsoft.Data.Analysis;

namespace Captioning.Reports;

/// <summary>
/// A <see cref="DataFrame"/> as a readable HTML table: a header of column names, the row index, numbers
/// right-aligned with up to three decimals (three significant digits below 0.01), missing values as an en
/// dash, cells on one line (a wide frame scrolls sideways), and the first <see cref="MaxRows"/> rows with a
/// line saying how many more there are.
/// </summary>
public static class FrameHtml
{
    /// <summary>Rows shown before the table says how many more there are.</summary>
    public const int MaxRows = 50;

    /// <summary>The table of <paramref name="frame"/>.</summary>
    public static string ToHtml(DataFrame frame)
    {
        var rows = frame.Rows.Count;
        var shown = Math.Min(rows, MaxRows);
        var html = new StringBuilder("<div class=\"data-frame\" style=\"overflow-x:auto\"><table class=\"data-frame\" style=\"white-space:nowrap\"><thead><tr><th></th>");
        foreach (var column in frame.Columns) html.Append("<th>").Append(Html.Escape(column.Name)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        for (long row = 0; row < shown; row++)
        {
            html.Append("<tr><th>").Append(row.ToString(CultureInfo.InvariantCulture)).Append("</th>");
            foreach (var column in frame.Columns)
            {
                var value = column[row];
                html.Append(IsNumber(column.DataType) ? "<td style=\"text-align:right\">" : "<td>").Append(Html.Escape(Cell(value))).Append("</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
        html.Append("<p class=\"data-frame-size\">").Append(string.Create(CultureInfo.InvariantCulture, $"{rows} rows x {frame.Columns.Count} columns"));
        if (rows > shown) html.Append(string.Create(CultureInfo.InvariantCulture, $"; the first {shown} shown: filter or sort it in the next cell, e.g. frame.OrderBy(\"column\").Head(10)"));
        return html.Append("</p></div>").ToString();
    }

    /// <summary>One cell as text: numbers invariant with up to three decimals (three significant digits below 0.01), null as an en dash.</summary>
    public static string Cell(object? value) => value switch
    {
        null => "–",
        double d => Number(d),
        float f => Number(f),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Number(double value) =>
        !double.IsFinite(value) ? "–"
        : value != 0 && Math.Abs(value) < 0.01 ? value.ToString("G3", CultureInfo.InvariantCulture)
        : value.ToString("0.###", CultureInfo.InvariantCulture);

    private static bool IsNumber(Type type) => type.IsPrimitive && type != typeof(bool) && type != typeof(char) || type == typeof(decimal);
}
