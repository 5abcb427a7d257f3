using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Captioning.Tests.Notebooks.Jupyter;

/// <summary>
/// The five notebooks' .ipynb forms, in order, under `jupyter nbconvert --execute` with the .NET (C#) kernel of
/// environment/setup: each must finish with every cell run, none failed, and the outputs the notebook exists for.
/// Tiny parameters (<see cref="WorkbookNotebooksFixture.Tiny"/>); the work folder is the notebooks' default.
/// </summary>
public sealed class JupyterNbconvertTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public void AllFiveNotebooks_RunGreenUnderNbconvertWithTheDotnetKernel()
    {
        using var workspace = JupyterWorkspace.Create(WorkbookNotebooksFixture.Tiny);
        var executed = Path.Combine(workspace.Root, "executed");
        var outputs = new Dictionary<string, List<(string Type, string Mime, string Text)>>();
        foreach (var file in WorkbookNotebooksFixture.NotebookFiles())
        {
            var name = Path.GetFileNameWithoutExtension(file);
            Execute(workspace, name, executed);
            outputs[name] = Outputs(Path.Combine(executed, name + ".ipynb"));
        }
        var w = workspace.WorkDir;
        Assert.Contains(outputs["01-data-preparation"], o => o.Text.Contains("generated 120 synthetic images", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(w, "prepared", "vocabulary.json")), $"01 wrote no vocabulary.json under the default workDir {w}");
        Assert.True(File.Exists(Path.Combine(w, "small-cnn.feat")), "02 wrote no feature store");
        foreach (var model in new[] { "merge", "init-inject", "pre-inject", "par-inject" })
            foreach (var seed in new[] { 1, 2 })
                Assert.True(new Captioning.Workbook.WorkbookFolders(w).Run(model, seed).IsFinished, $"03 did not finish training {model} seed {seed}");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(w, "evaluation"), "*.json"));
        // Figures, tables and galleries reach Jupyter as HTML: 01 two charts and a gallery, 03 the summaries and the
        // loss curves, 04 the score table, charts and galleries, 05 the gallery of captioned photos.
        foreach (var (name, least) in new[] { ("01-data-preparation", 3), ("02-feature-extraction", 1), ("03-merge-vs-inject", 3), ("04-evaluation", 4), ("05-caption-new-photos", 1) })
            Assert.True(outputs[name].Count(o => o.Mime == "text/html") >= least, $"{name}: fewer than {least} HTML outputs: {outputs[name].Count(o => o.Mime == "text/html")}");
        Assert.Contains(outputs["05-caption-new-photos"], o => o.Mime == "text/html" && o.Text.Contains("<img", StringComparison.Ordinal));
    }

    private static void Execute(JupyterWorkspace workspace, string name, string executed)
    {
        var start = JupyterTools.Start(workspace.JupyterHome, "nbconvert", "--to", "notebook", "--execute",
            Path.Combine(workspace.Notebooks, name + ".ipynb"), "--output-dir", executed,
            "--ExecutePreprocessor.kernel_name=.net-csharp", "--ExecutePreprocessor.timeout=1200");
        var log = new StringBuilder();
        using var nbconvert = JupyterTools.StartLogged(start, log);
        if (!nbconvert.WaitForExit(TimeSpan.FromMinutes(20)))
        {
            nbconvert.Kill(entireProcessTree: true); // the kernel too: it is nbconvert's child
            nbconvert.WaitForExit();
            Assert.Fail($"nbconvert did not finish {name} within 20 minutes:\n{log}");
        }
        nbconvert.WaitForExit(); // the output readers
        Assert.True(nbconvert.ExitCode == 0, $"nbconvert --execute {name}.ipynb exited with {nbconvert.ExitCode}:\n{log}");
    }

    /// <summary>Every output of the executed notebook as (output type, mime type or stream name, text), after checking every code cell ran without error.</summary>
    private static List<(string Type, string Mime, string Text)> Outputs(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var result = new List<(string, string, string)>();
        var number = 0;
        foreach (var cell in json.RootElement.GetProperty("cells").EnumerateArray())
        {
            number++;
            if (cell.GetProperty("cell_type").GetString() != "code") continue;
            Assert.True(cell.GetProperty("execution_count").ValueKind == JsonValueKind.Number, $"{path}: cell {number} did not run");
            foreach (var output in cell.GetProperty("outputs").EnumerateArray())
            {
                var type = output.GetProperty("output_type").GetString()!;
                Assert.True(type != "error", $"{path}: cell {number} failed: {output}");
                if (type == "stream") result.Add((type, output.GetProperty("name").GetString()!, Text(output.GetProperty("text"))));
                else if (output.TryGetProperty("data", out var data))
                    foreach (var mime in data.EnumerateObject()) result.Add((type, mime.Name, Text(mime.Value)));
            }
        }
        return result;
    }

    private static string Text(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array ? string.Concat(value.EnumerateArray().Select(v => v.GetString())) : value.ToString();
}
