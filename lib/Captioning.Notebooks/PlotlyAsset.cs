namespace Captioning.Notebooks;

/// <summary>
/// Finds plotly.min.js, which environment/setup installs with npm (plotly.js-dist-min), and
/// copies it next to reports so a report folder opens offline.
/// </summary>
public static class PlotlyAsset
{
    /// <summary>The file name reports load the script by.</summary>
    public const string FileName = "plotly.min.js";

    /// <summary>Environment variable that overrides where plotly.min.js is taken from.</summary>
    public const string OverrideVariable = "CAPTION_PLOTLY_JS";

    private const string RelativeToRoot = "environment/node_modules/plotly.js-dist-min/plotly.min.js";

    /// <summary>The path of plotly.min.js: the override variable, else the repository's environment folder found above the app or the working directory.</summary>
    public static string Locate()
    {
        var tried = new List<string>();
        var overridden = Environment.GetEnvironmentVariable(OverrideVariable);
        if (!string.IsNullOrEmpty(overridden))
        {
            if (File.Exists(overridden)) return Path.GetFullPath(overridden);
            throw new CaptioningException($"{OverrideVariable} is set to '{overridden}', which does not exist");
        }
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, RelativeToRoot);
                if (File.Exists(candidate)) return candidate;
                tried.Add(candidate);
            }
        }
        throw new CaptioningException($"plotly.min.js not found (tried {string.Join(", ", tried.Distinct())}); " +
                                      $"run environment/setup, which installs it with npm, or set {OverrideVariable}");
    }

    /// <summary>Copies plotly.min.js into <paramref name="folder"/> unless an identical-size copy is already there.</summary>
    public static void CopyTo(string folder)
    {
        var source = Locate();
        var destination = Path.Combine(folder, FileName);
        if (File.Exists(destination) && new FileInfo(destination).Length == new FileInfo(source).Length) return;
        Data.AtomicFile.Copy(source, destination);
    }
}
