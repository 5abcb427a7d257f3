using Captioning.Notebooks;
using Xunit;

namespace Captioning.Tests.Notebooks;

/// <summary>Notebook cells use TorchSharp directly, as the workbook's notebooks and TorchSharp's tutorials do.</summary>
public sealed class NotebookTorchTests(NotebookFolder folder) : NativeLeakGuard, IClassFixture<NotebookFolder>
{
    [Fact]
    public async Task Run_CellsUseTorchSharpAfterTheSetupReferenceAlone()
    {
        // No #r for TorchSharp: the library's reference brings it, as in the workbook's setup cells.
        var relative = Path.GetRelativePath(folder.Root, typeof(TorchRuntime).Assembly.Location);
        var notebook = folder.Write("torch.dib",
            $"#r \"{relative}\"\nusing TorchSharp;\nusing static TorchSharp.torch;",
            "float total;\nusing (var scope = torch.NewDisposeScope())\n{\n    var x = torch.arange(6, dtype: ScalarType.Float32).reshape(2, 3); // (2, 3)\n    total = x.matmul(torch.ones(3)).sum().item<float>();\n}\ntotal");
        var run = await folder.Runner.RunAsync(notebook);
        Assert.True(run.Succeeded, run.FailureSummary());
        // (0+1+2) + (3+4+5) = 15.
        Assert.Equal("15", Assert.Single(run.Cells[1].Outputs).Data["text/plain"]);
    }

    [Fact]
    public async Task Run_CellsSeeTheWorkbooksTorchRuntime()
    {
        var relative = Path.GetRelativePath(folder.Root, typeof(TorchRuntime).Assembly.Location);
        var notebook = folder.Write("runtime.dib", $"#r \"{relative}\"\nusing Captioning;", "TorchRuntime.LibTorchVersion");
        var run = await folder.Runner.RunAsync(notebook);
        Assert.True(run.Succeeded, run.FailureSummary());
        Assert.StartsWith("2.10.", Assert.Single(run.Cells[1].Outputs).Data["text/plain"]);
    }
}
