using System.Diagnostics;
using System.Text.Json;
using Captioning.Notebooks;

namespace Captioning.Tests.Notebooks;

/// <summary>
/// Runs the five workbook notebooks of notebooks/ once, in order, headless with tiny parameters against one
/// temporary work folder (then 03 a second time, to see a rerun skip finished training), for the tests to inspect.
/// </summary>
public sealed class WorkbookNotebooksFixture : IDisposable
{
    /// <summary>The tiny sizes: enough images for every split, one epoch of everything.</summary>
    public static readonly IReadOnlyDictionary<string, string> Tiny = new Dictionary<string, string>
    {
        ["images"] = "120", ["cnnEpochs"] = "1", ["epochs"] = "1", ["bootstrap"] = "50", ["beamSizes"] = "1 2",
        ["beamSize"] = "2", ["galleryImages"] = "3", ["photoCount"] = "3", ["sampleImages"] = "4", ["topWords"] = "10",
        ["dropout"] = "0.2", ["imageDropout"] = "0.1", ["seeds"] = "2",
    };

    public WorkbookNotebooksFixture()
    {
        WorkDir = Directory.CreateTempSubdirectory("caption-workbook-").FullName;
        Report = Path.Combine(WorkDir, "report");
        var parameters = new Dictionary<string, string>(Tiny) { ["workDir"] = WorkDir };
        var runner = new NotebookRunner();
        foreach (var file in NotebookFiles())
        {
            var clock = Stopwatch.StartNew();
            var run = runner.RunAsync(DibParser.Load(file), parameters, ignoreUnknownParameters: true).GetAwaiter().GetResult();
            NotebookReport.Write(run, Report);
            Runs[run.Notebook.Name] = run;
            Seconds[run.Notebook.Name] = clock.Elapsed.TotalSeconds;
            if (!run.Succeeded) break;
        }
        if (Runs.TryGetValue("03-merge-vs-inject", out var first) && first.Succeeded)
        {
            Rerun = runner.RunAsync(DibParser.Load(first.Notebook.Path), parameters, ignoreUnknownParameters: true).GetAwaiter().GetResult();
            // The same work folder, copied, and 03 rerun there with one changed parameter (and one seed, to stay quick).
            ChangedWorkDir = WorkDir + "-changed";
            CopyFolder(WorkDir, ChangedWorkDir);
            var changed = new Dictionary<string, string>(parameters) { ["workDir"] = ChangedWorkDir, ["hidden"] = "64", ["seeds"] = "1" };
            ChangedRerun = runner.RunAsync(DibParser.Load(first.Notebook.Path), changed, ignoreUnknownParameters: true).GetAwaiter().GetResult();
        }
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    public string WorkDir { get; }

    public string Report { get; }

    public Dictionary<string, NotebookRun> Runs { get; } = [];

    public Dictionary<string, double> Seconds { get; } = [];

    public NotebookRun? Rerun { get; }

    /// <summary>A copy of the work folder after the first run, in which 03 ran again with hidden = 64 and one seed.</summary>
    public string? ChangedWorkDir { get; }

    /// <summary>That run of 03.</summary>
    public NotebookRun? ChangedRerun { get; }

    /// <summary>The repository's notebooks/NN-*.dib, found above the test assembly.</summary>
    public static IReadOnlyList<string> NotebookFiles()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            var folder = Path.Combine(d.FullName, "notebooks");
            if (File.Exists(Path.Combine(folder, "01-data-preparation.dib")))
                return Directory.GetFiles(folder, "0*.dib").Order(StringComparer.Ordinal).ToList();
        }
        throw new InvalidOperationException($"no notebooks/01-data-preparation.dib above {AppContext.BaseDirectory}");
    }

    /// <summary>The run of a notebook, asserting that every cell succeeded.</summary>
    public NotebookRun Succeeded(string name)
    {
        Xunit.Assert.True(Runs.TryGetValue(name, out var run), $"{name} did not run; ran: {string.Join(", ", Runs.Keys)}");
        Xunit.Assert.True(run!.Succeeded, run.FailureSummary());
        Xunit.Assert.All(run.Cells.Where(c => c.Cell.Kind == CellKind.CSharp), c => Xunit.Assert.Equal(CellStatus.Succeeded, c.Status));
        return run;
    }

    /// <summary>The written .ipynb, checked to be nbformat 4, as (mime type, content) of every output.</summary>
    public IReadOnlyList<(string Mime, string Content)> IpynbOutputs(string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Report, name + ".ipynb")));
        Xunit.Assert.Equal(4, json.RootElement.GetProperty("nbformat").GetInt32());
        var outputs = new List<(string, string)>();
        foreach (var cell in json.RootElement.GetProperty("cells").EnumerateArray())
        {
            if (!cell.TryGetProperty("outputs", out var cellOutputs)) continue;
            foreach (var output in cellOutputs.EnumerateArray())
            {
                if (output.TryGetProperty("text", out var text)) outputs.Add(("stream", Join(text)));
                if (!output.TryGetProperty("data", out var data)) continue;
                foreach (var mime in data.EnumerateObject()) outputs.Add((mime.Name, Join(mime.Value)));
            }
        }
        return outputs;
    }

    private static string Join(JsonElement value) => value.ValueKind == JsonValueKind.Array
        ? string.Concat(value.EnumerateArray().Select(v => v.GetString()))
        : value.GetString() ?? "";

    public void Dispose()
    {
        Directory.Delete(WorkDir, recursive: true);
        if (ChangedWorkDir != null && Directory.Exists(ChangedWorkDir)) Directory.Delete(ChangedWorkDir, recursive: true);
    }
}
