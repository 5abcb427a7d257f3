using Captioning.Tests.Cli;
using Xunit;

namespace Captioning.Tests.Notebooks.Jupyter;

/// <summary>
/// A temporary stand-in for the repository as environment/run jupyter lays it out: the notebooks' .ipynb forms in
/// ROOT/jupyter (written by `caption notebook convert --set ...` from notebooks/*.dib), ROOT/lib and ROOT/environment
/// links to the repository's (the setup cell's "../lib/..." resolves, plotly.js is found), ROOT/dotnet-tools.json so the kernel's
/// `dotnet interactive` finds the pinned tool, and the default workDir "../runs/workbook" landing in ROOT/runs.
/// </summary>
internal sealed class JupyterWorkspace : IDisposable
{
    // lib: the setup cell's #r; environment: plotly.js (environment/node_modules), which the library looks for
    // above the folder of Captioning.dll, as reached through the link.
    private static readonly string[] Links = ["lib", "environment"];

    private JupyterWorkspace(string root) => Root = root;

    public string Root { get; }

    /// <summary>The folder Jupyter serves: the .ipynb forms.</summary>
    public string Notebooks => Path.Combine(Root, "jupyter");

    /// <summary>Jupyter's config, data and runtime folders.</summary>
    public string JupyterHome => Path.Combine(Root, "jupyter-home");

    /// <summary>Where the notebooks' default workDir, "../runs/workbook", lands.</summary>
    public string WorkDir => Path.Combine(Root, "runs", "workbook");

    /// <summary>Writes the five notebooks' forms with <paramref name="parameters"/> set in every notebook that declares them.</summary>
    public static JupyterWorkspace Create(IReadOnlyDictionary<string, string> parameters)
    {
        var repo = RepoPaths.Root();
        var workspace = new JupyterWorkspace(Directory.CreateTempSubdirectory("caption-jupyter-").FullName);
        foreach (var link in Links) Directory.CreateSymbolicLink(Path.Combine(workspace.Root, link), Path.Combine(repo, link));
        File.Copy(Path.Combine(repo, "dotnet-tools.json"), Path.Combine(workspace.Root, "dotnet-tools.json"));
        var args = new List<string> { "notebook", "convert" };
        args.AddRange(WorkbookNotebooksFixture.NotebookFiles());
        args.AddRange(["--out", workspace.Notebooks]);
        foreach (var (name, value) in parameters) args.AddRange(["--set", $"{name}={value}"]);
        var (code, stdout, stderr) = CliProcess.Run([.. args]);
        Assert.True(code == 0, $"caption notebook convert failed ({code}):\n{stdout}\n{stderr}");
        return workspace;
    }

    public void Dispose()
    {
        // The links first, on their own: whatever happens below must never reach the repository's folders.
        foreach (var link in Links) File.Delete(Path.Combine(Root, link));
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { /* a kernel that was killed may still be closing a file; the temp folder is harmless */ }
    }
}
