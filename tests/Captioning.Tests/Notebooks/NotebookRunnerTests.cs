using Captioning.Notebooks;
using Captioning.Reports;
using Xunit;

namespace Captioning.Tests.Notebooks;

public class NotebookRunnerTests(NotebookFolder folder) : IClassFixture<NotebookFolder>
{
    private static string Plain(CellOutput output) => output.Data["text/plain"];

    private string ReferenceLibrary()
    {
        var relative = Path.GetRelativePath(folder.Root, typeof(Figure).Assembly.Location);
        return $"#r \"{relative}\"\nusing Captioning.Reports;";
    }

    [Fact]
    public async Task Run_CarriesStateAcrossCellsAndShowsTrailingExpression()
    {
        var notebook = folder.Write("state.dib", "md:# State", "var a = 20;", "a = a * 2;\na + 2");
        var run = await folder.Runner.RunAsync(notebook);
        Assert.True(run.Succeeded);
        Assert.Equal(CellStatus.Markdown, run.Cells[0].Status);
        Assert.Equal([null, 1, 2], run.Cells.Select(c => c.ExecutionCount));
        Assert.Empty(run.Cells[1].Outputs);
        var output = Assert.Single(run.Cells[2].Outputs);
        Assert.Equal(OutputKind.ExecuteResult, output.Kind);
        Assert.Equal("42", Plain(output));
    }

    [Fact]
    public async Task Run_KeepsDisplayAndConsoleOutputsInOrder()
    {
        var notebook = folder.Write("display.dib", ReferenceLibrary(),
            "Console.WriteLine(\"before\");\ndisplay(\"text value\");\ndisplay(new Figure(\"t\").AddLine(\"a\", new[] { 1.0 }, new[] { 2.0 }));\nConsole.Write(\"after\");");
        var run = await folder.Runner.RunAsync(notebook);
        Assert.True(run.Succeeded, run.FailureSummary());
        var outputs = run.Cells[1].Outputs;
        Assert.Equal([OutputKind.Stdout, OutputKind.DisplayData, OutputKind.DisplayData, OutputKind.Stdout], outputs.Select(o => o.Kind));
        Assert.Equal("before\n", Plain(outputs[0]));
        Assert.Equal("text value", Plain(outputs[1]));
        Assert.False(outputs[1].Data.ContainsKey("text/html"));
        Assert.Equal("Figure 't': scatter 'a'", Plain(outputs[2]));
        // The first chart a kernel process formats also carries plotly.js in front (whichever test that is): the chart follows it.
        Assert.StartsWith("<div class=\"plotly-figure\"", Captioning.Reports.PlotlyJs.RemoveLoaders(outputs[2].Data["text/html"]));
        Assert.Equal("after", Plain(outputs[3]));
    }

    [Fact]
    public async Task Run_AppliesParametersBeforeRunning()
    {
        var notebook = folder.Write("params.dib", "// parameters\nvar epochs = 5;\nstring name = \"merge\";", "$\"{name} x{epochs * 2}\"");
        var run = await folder.Runner.RunAsync(notebook, new Dictionary<string, string> { ["epochs"] = "3", ["name"] = "inject" });
        Assert.True(run.Succeeded, run.FailureSummary());
        Assert.Equal("inject x6", Plain(Assert.Single(run.Cells[1].Outputs)));
        Assert.Equal(new Dictionary<string, string> { ["epochs"] = "3", ["name"] = "inject" }, run.Parameters);
    }

    [Fact]
    public async Task Run_StopsAtCompileErrorNamingCellAndLine()
    {
        var notebook = folder.Write("compile.dib", "var a = 1;", "var b = a;\nvar c = missing + 1;", "var d = 4;");
        var run = await folder.Runner.RunAsync(notebook);
        Assert.False(run.Succeeded);
        Assert.Equal(2, run.FailedCell!.Cell.Number);
        Assert.Equal($"compilation failed:\n{notebook.Path} line 12 (cell line 2): error CS0103: The name 'missing' does not exist in the current context", run.FailedCell.Error);
        Assert.Equal(CellStatus.NotRun, run.Cells[2].Status);
        Assert.Equal(
            $"{notebook.Path}: cell 2 (line 11) failed:\n    | var b = a;\n    | var c = missing + 1;\n{run.FailedCell.Error}",
            run.FailureSummary());
    }

    [Fact]
    public async Task Run_StopsAtExceptionAndStillWritesThePartialNotebook()
    {
        var notebook = folder.Write("throws.dib", "Console.WriteLine(\"ran\");", "throw new InvalidOperationException(\"boom\");", "var never = 1;");
        var run = await folder.Runner.RunAsync(notebook);
        Assert.Equal(2, run.FailedCell!.Cell.Number);
        Assert.Equal("System.InvalidOperationException: boom", run.FailedCell.Error);
        var output = Path.Combine(folder.Root, "out-throws");
        var (ipynb, html) = NotebookReport.Write(run, output);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(ipynb));
        var cells = json.RootElement.GetProperty("cells");
        Assert.Equal(3, cells.GetArrayLength());
        Assert.Equal("ran\n", cells[0].GetProperty("outputs")[0].GetProperty("text")[0].GetString());
        var error = cells[1].GetProperty("outputs")[0];
        Assert.Equal("error", error.GetProperty("output_type").GetString());
        Assert.Equal("System.InvalidOperationException", error.GetProperty("ename").GetString());
        Assert.Equal("boom", error.GetProperty("evalue").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, cells[2].GetProperty("execution_count").ValueKind);
        Assert.Equal(0, cells[2].GetProperty("outputs").GetArrayLength());
        Assert.Contains("failed at cell 2", File.ReadAllText(html));
        Assert.True(File.Exists(Path.Combine(output, "plotly.min.js")));
    }

    [Fact]
    public async Task Run_FailsForMissingReferenceNamingThePath()
    {
        var notebook = folder.Write("missingref.dib", "#r \"bin/Missing.dll\"\nvar a = 1;");
        var run = await folder.Runner.RunAsync(notebook);
        Assert.Equal($"compilation failed:\n{notebook.Path} line 7 (cell line 1): error CS0006: Metadata file 'bin/Missing.dll' could not be found",
            run.FailedCell!.Error);
    }

    [Fact]
    public async Task Run_FailsForUnknownMagicCommandNamingItsLine()
    {
        var notebook = folder.Write("magic.dib", "var a = 1;", "#!whos");
        var run = await folder.Runner.RunAsync(notebook);
        Assert.Equal(2, run.FailedCell!.Cell.Number);
        Assert.Equal($"{notebook.Path} line 11 (cell line 1): error DNI101: Unknown magic command '#!whos'", run.FailedCell.Error);
    }

    [Fact]
    public async Task Run_UsesTheNotebookFolderAsWorkingDirectoryAndRestoresIt()
    {
        var before = Environment.CurrentDirectory;
        var notebook = folder.Write("cwd.dib", "System.IO.Directory.GetCurrentDirectory()");
        var run = await folder.Runner.RunAsync(notebook);
        Assert.Equal(folder.Root, Plain(run.Cells[0].Outputs[0]));
        Assert.Equal(before, Environment.CurrentDirectory);
    }
}
