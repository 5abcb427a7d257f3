using System.Text;

namespace Captioning.Reports;

/// <summary>
/// plotly.js for our pages, from the local npm copy (environment/setup installs plotly.js-dist-min), never a
/// CDN. A report folder loads one shared <see cref="FileName"/> from its head; a notebook output carries the
/// script inline once (<see cref="Loader"/>), guarded so that it defines window.Plotly only once per page.
/// </summary>
public static class PlotlyJs
{
    /// <summary>The file name reports load the script by.</summary>
    public const string FileName = "plotly.min.js";

    /// <summary>Environment variable that overrides where plotly.min.js is taken from.</summary>
    public const string OverrideVariable = "CAPTION_PLOTLY_JS";

    /// <summary>The attribute that marks the inline loader's script element, so writers can find and move it.</summary>
    internal const string LoaderMarker = "data-caption-plotly=\"inline\"";

    /// <summary>The class of every chart's div; a fragment holding it needs plotly.js on its page.</summary>
    internal const string ChartMarker = "class=\"plotly-figure\"";

    /// <summary>The page-wide queue of charts waiting for plotly.js (a chart's script may run before the loader's).</summary>
    internal const string Queue = "window.captionPlotlyQueue";

    private const string RelativeToRoot = "environment/node_modules/plotly.js-dist-min/plotly.min.js";
    private const string LoaderEnd = "</script>\n";
    private static readonly Lazy<string> CachedLoader = new(BuildLoader);

    /// <summary>
    /// The path of plotly.min.js: the override variable, else the repository's environment folder found above
    /// this library, the app or the working directory (a notebook kernel runs from notebooks/).
    /// </summary>
    public static string Locate()
    {
        var overridden = Environment.GetEnvironmentVariable(OverrideVariable);
        if (!string.IsNullOrEmpty(overridden))
        {
            if (File.Exists(overridden)) return Path.GetFullPath(overridden);
            throw new CaptioningException($"{OverrideVariable} is set to '{overridden}', which does not exist");
        }
        var tried = new List<string>();
        var library = Path.GetDirectoryName(typeof(PlotlyJs).Assembly.Location);
        foreach (var start in new[] { library, AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, RelativeToRoot);
                if (File.Exists(candidate)) return candidate;
                tried.Add(candidate);
            }
        }
        throw new CaptioningException($"plotly.min.js not found (tried {string.Join(", ", tried.Distinct())}); " +
                                      $"run environment/setup, which installs it with npm, or set {OverrideVariable}");
    }

    /// <summary>
    /// A script element holding plotly.min.js that defines window.Plotly unless the page already has it, then
    /// draws the charts queued before it ran. Read once per process (4.8 MB).
    /// </summary>
    public static string Loader() => CachedLoader.Value;

    /// <summary>Whether an HTML fragment holds a chart (and so needs plotly.js on its page).</summary>
    public static bool HasChart(string html) => html.Contains(ChartMarker, StringComparison.Ordinal);

    /// <summary>The fragment without any inline loader: for pages that load plotly.min.js themselves.</summary>
    public static string RemoveLoaders(string html)
    {
        var start = html.IndexOf("<script " + LoaderMarker, StringComparison.Ordinal);
        while (start >= 0)
        {
            var end = html.IndexOf(LoaderEnd, start, StringComparison.Ordinal);
            if (end < 0) break;
            html = html.Remove(start, end + LoaderEnd.Length - start);
            start = html.IndexOf("<script " + LoaderMarker, start, StringComparison.Ordinal);
        }
        return html;
    }

    private static string BuildLoader()
    {
        var script = File.ReadAllText(Locate());
        // Inside an inline script element these sequences would end the element or change how HTML parses it;
        // "\x3C" is "<" in every JavaScript string, template and regular expression they can occur in.
        script = script.Replace("</script", "\\x3C/script", StringComparison.OrdinalIgnoreCase)
            .Replace("<script", "\\x3Cscript", StringComparison.OrdinalIgnoreCase)
            .Replace("<!--", "\\x3C!--", StringComparison.Ordinal);
        return new StringBuilder(script.Length + 400)
            .Append("<script ").Append(LoaderMarker).Append(">\n")
            .Append("if (!window.Plotly) {\n").Append(script).Append("\n}\n")
            .Append("(function () { var q = ").Append(Queue).Append(" || []; ").Append(Queue).Append(" = []; q.forEach(function (draw) { draw(); }); })();\n")
            .Append(LoaderEnd).ToString();
    }
}
