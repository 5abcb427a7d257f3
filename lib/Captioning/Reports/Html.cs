using System.Globalization;
using System.Net;

namespace Captioning.Reports;

/// <summary>Small helpers shared by the HTML renderers: escaping and invariant number formatting.</summary>
public static class Html
{
    /// <summary>Escapes text for use in HTML element content and attribute values.</summary>
    public static string Escape(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>Formats a number with a fixed count of decimals, invariant culture; NaN becomes an en dash.</summary>
    public static string Number(double value, int decimals) =>
        double.IsFinite(value) ? value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "–";

    /// <summary>A score on the scorer's 0-1 scale as the tables show it: x100 with one decimal; NaN becomes an en dash.</summary>
    public static string Times100(double value) => Number(value * 100, 1);
}
