namespace Captioning.Reports;

/// <summary>
/// Puts plotly.js on a page once. Feed it a page's HTML fragments in order: every inline loader they carry is
/// dropped, and with <c>inline</c> the first fragment that holds a chart gets <see cref="PlotlyJs.Loader"/> in
/// front (a saved notebook then redraws offline); without it the page loads plotly.min.js itself (a report).
/// </summary>
/// <param name="inline">True for notebook outputs (.ipynb, a kernel session); false for pages whose head loads plotly.min.js.</param>
public sealed class PlotlyPage(bool inline)
{
    private readonly object gate = new();

    // The process's kernel session: the first chart a kernel formats carries plotly.js inline.
    private static readonly PlotlyPage Kernel = new(inline: true);

    /// <summary>Whether a fragment of this page has carried the loader.</summary>
    public bool Loaded { get; private set; }

    /// <summary>The fragment as it belongs on this page.</summary>
    public string Html(string fragment)
    {
        var hadLoader = fragment.Contains(PlotlyJs.LoaderMarker, StringComparison.Ordinal);
        var bare = hadLoader ? PlotlyJs.RemoveLoaders(fragment) : fragment;
        if (!inline || !PlotlyJs.HasChart(bare)) return bare;
        lock (gate)
        {
            if (Loaded) return bare;
            var loader = PlotlyJs.Loader(); // throws when plotly.min.js is missing: the page is then still without it
            Loaded = true;
            return loader + bare;
        }
    }

    /// <summary>
    /// A fragment as a kernel formats it: the first chart of the process (one kernel session) carries plotly.js.
    /// When plotly.min.js cannot be found, a line under the chart says why instead of failing the cell.
    /// </summary>
    internal static string ForKernel(string fragment)
    {
        try
        {
            return Kernel.Html(fragment);
        }
        catch (CaptioningException e)
        {
            return fragment + "<p class=\"plotly-missing\">" + Reports.Html.Escape(e.Message) + "</p>";
        }
    }
}
