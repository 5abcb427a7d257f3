using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Captioning.Reports;
using Xunit;

namespace Captioning.Tests.Reports;

/// <summary>
/// Checks on the pages and notebooks we write: what they reference from the network (nothing may come from a
/// CDN) and what headless Chromium draws from them offline.
/// </summary>
internal static partial class OfflinePages
{
    // A script or stylesheet from a public CDN, or a require.js configuration pointing anywhere over http(s).
    [GeneratedRegex(@"cdn\.plot\.ly|cdn\.jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com|cdnjs\.com|require(js)?\.config\([^)]*https?://", RegexOptions.IgnoreCase)]
    private static partial Regex CdnPattern();

    /// <summary>
    /// Every CDN reference in <paramref name="text"/> (a page, or a notebook's JSON), outside the inline copies of
    /// plotly.js, each of which is first asserted to be the local npm copy: the library itself holds dormant
    /// defaults (a topojson URL for geo maps, an icon URL for map traces) that our charts never use.
    /// </summary>
    public static IReadOnlyList<string> CdnReferences(string text)
    {
        var local = File.ReadAllText(PlotlyJs.Locate());
        var loader = PlotlyJs.Loader();
        if (text.TrimStart().StartsWith('{')) text = string.Join("\n", NotebookHtml(text)) + "\n" + NotebookText(text);
        foreach (var copy in Regex.Matches(text, "<script data-caption-plotly=\"inline\">.*?</script>\n", RegexOptions.Singleline).Cast<Match>())
            Assert.Equal(loader, copy.Value);
        Assert.Contains(local, loader.Replace("\\x3C!--", "<!--", StringComparison.Ordinal));
        var outside = PlotlyJs.RemoveLoaders(text);
        return CdnPattern().Matches(outside).Select(m => outside.Substring(Math.Max(0, m.Index - 60), Math.Min(outside.Length - Math.Max(0, m.Index - 60), 140))).ToList();
    }

    /// <summary>The text/html outputs of an .ipynb, in order.</summary>
    public static IReadOnlyList<string> NotebookHtml(string ipynb)
    {
        using var json = JsonDocument.Parse(ipynb);
        var html = new List<string>();
        foreach (var cell in json.RootElement.GetProperty("cells").EnumerateArray())
        {
            if (!cell.TryGetProperty("outputs", out var outputs)) continue;
            foreach (var output in outputs.EnumerateArray())
                if (output.TryGetProperty("data", out var data) && data.TryGetProperty("text/html", out var value))
                    html.Add(value.ValueKind == JsonValueKind.Array ? string.Concat(value.EnumerateArray().Select(v => v.GetString())) : value.GetString() ?? "");
        }
        return html;
    }

    // Everything else of a notebook (sources, streams, metadata), so that a CDN in any of it is found too.
    private static string NotebookText(string ipynb)
    {
        using var json = JsonDocument.Parse(ipynb);
        var parts = new List<string> { json.RootElement.GetProperty("metadata").GetRawText() };
        foreach (var cell in json.RootElement.GetProperty("cells").EnumerateArray())
        {
            if (cell.TryGetProperty("source", out var source)) parts.Add(source.GetRawText());
            if (!cell.TryGetProperty("outputs", out var outputs)) continue;
            foreach (var output in outputs.EnumerateArray())
            {
                if (output.TryGetProperty("text", out var text)) parts.Add(text.GetRawText());
                if (!output.TryGetProperty("data", out var data)) continue;
                foreach (var mime in data.EnumerateObject().Where(m => m.Name != "text/html")) parts.Add(mime.Value.GetRawText());
            }
        }
        return string.Join("\n", parts);
    }

    /// <summary>
    /// The DOM of a page after headless Chromium loaded it, with no network and a few seconds of virtual time for
    /// its scripts (plotly draws an svg.main-svg per chart).
    /// </summary>
    public static string RenderedDom(string htmlPath)
    {
        var browser = Environment.GetEnvironmentVariable("CAPTION_CHROMIUM") is { Length: > 0 } configured ? configured : "chromium";
        var profile = Directory.CreateTempSubdirectory("caption-dom-");
        try
        {
            var start = new ProcessStartInfo(browser) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[]
                     {
                         "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--virtual-time-budget=5000", "--window-size=1200,900",
                         "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", // nothing may come from the network
                         $"--user-data-dir={profile.FullName}", "--dump-dom", new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri,
                     })
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var dom = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(90)), "chromium did not finish");
            Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode} (install it with environment/setup --test-deps): {error.Result}");
            return dom;
        }
        finally
        {
            try { profile.Delete(recursive: true); } catch (IOException) { /* chromium may still hold a lock file */ }
        }
    }

    /// <summary>How many of our chart divs plotly drew into (it marks a drawn div js-plotly-plot and adds its svg.main-svg layers).</summary>
    public static int DrawnCharts(string dom) => Regex.Matches(dom, "class=\"plotly-figure js-plotly-plot\"").Count;
}
