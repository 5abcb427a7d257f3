using Captioning.Reports;

namespace Captioning.Notebooks;

/// <summary>
/// Puts the local plotly.min.js (<see cref="PlotlyJs.Locate"/>) beside reports, so that every page of a report
/// folder loads the one shared copy offline.
/// </summary>
public static class PlotlyAsset
{
    /// <summary>The file name reports load the script by.</summary>
    public const string FileName = PlotlyJs.FileName;

    /// <summary>The path of plotly.min.js; throws naming what was tried and how to install it.</summary>
    public static string Locate() => PlotlyJs.Locate();

    /// <summary>Copies plotly.min.js into <paramref name="folder"/> unless an identical-size copy is already there.</summary>
    public static void CopyTo(string folder)
    {
        var source = Locate();
        var destination = Path.Combine(folder, FileName);
        if (File.Exists(destination) && new FileInfo(destination).Length == new FileInfo(source).Length) return;
        Data.AtomicFile.Copy(source, destination);
    }
}
