using System.Diagnostics;
using System.Globalization;

namespace Captioning.Notebooks;

/// <summary>
/// Renders an HTML report to PNG with headless Chromium (Debian package `chromium`, installed by
/// environment/setup --report-deps). Chromium runs with a fresh profile and no network services,
/// and gets a few seconds of virtual time so plotly draws before the screenshot.
/// </summary>
public static class ReportScreenshot
{
    /// <summary>Environment variable naming the Chromium executable, when it is not `chromium` on PATH.</summary>
    public const string BrowserVariable = "CAPTION_CHROMIUM";

    /// <summary>Writes a <paramref name="width"/> x <paramref name="height"/> screenshot of the page to <paramref name="pngPath"/>.</summary>
    public static void Render(string htmlPath, string pngPath, int width = 1200, int height = 1600, TimeSpan? timeout = null)
    {
        if (!File.Exists(htmlPath)) throw new CaptioningException($"report '{htmlPath}' does not exist");
        if (width is < 200 or > 8000) throw new CaptioningException($"--width {width} is out of range; expected 200..8000 pixels");
        if (height is < 200 or > 20000) throw new CaptioningException($"--height {height} is out of range; expected 200..20000 pixels");
        var browser = FindBrowser();
        var output = Path.GetFullPath(pngPath);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var temp = Path.Combine(Path.GetDirectoryName(output)!, $".{Path.GetFileName(output)}.{Environment.ProcessId}.png");
        var profile = Directory.CreateTempSubdirectory("caption-chromium-");
        try
        {
            var start = new ProcessStartInfo(browser) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in new[]
                     {
                         "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--virtual-time-budget=5000",
                         $"--user-data-dir={profile.FullName}", $"--screenshot={temp}",
                         string.Create(CultureInfo.InvariantCulture, $"--window-size={width},{height}"),
                         new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri,
                     })
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start) ?? throw new CaptioningException($"could not start '{browser}'");
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                throw new CaptioningException($"chromium did not finish rendering '{htmlPath}' within {(timeout ?? TimeSpan.FromSeconds(60)).TotalSeconds} s");
            }
            if (process.ExitCode != 0 || !File.Exists(temp))
                throw new CaptioningException($"chromium could not render '{htmlPath}' (exit code {process.ExitCode}): {LastLines(stderr.Result)}");
            File.Move(temp, output, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
            try { profile.Delete(recursive: true); } catch (IOException) { /* chromium may still hold a lock file; the temp folder is harmless */ }
        }
    }

    private static string FindBrowser()
    {
        var configured = Environment.GetEnvironmentVariable(BrowserVariable);
        if (!string.IsNullOrEmpty(configured))
            return File.Exists(configured) ? configured : throw new CaptioningException($"{BrowserVariable} is set to '{configured}', which does not exist");
        foreach (var name in new[] { "chromium", "chromium-browser", "google-chrome" })
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new CaptioningException("chromium is not installed; run environment/setup --report-deps (Debian package 'chromium'), " +
                                      $"or set {BrowserVariable} to a Chromium executable");
    }

    private static string LastLines(string text) => string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3));
}
