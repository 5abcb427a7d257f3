using Captioning.Notebooks;
using Xunit;

namespace Captioning.Tests.Notebooks;

public class NotebookEchoTests(NotebookFolder folder) : IClassFixture<NotebookFolder>
{
    [Fact]
    public async Task Run_EchoesConsoleOutputAndStillKeepsItInTheCell()
    {
        var notebook = folder.Write("echo.dib", "Console.WriteLine(\"epoch 1\");\nConsole.Error.Write(\"warn\");\n1 + 1");
        var echo = new StringWriter();
        var run = await new NotebookRunner { Echo = echo }.RunAsync(notebook);
        Assert.True(run.Succeeded, run.FailureSummary());
        Assert.Equal("epoch 1\nwarn", echo.ToString().Replace("\r\n", "\n"));
        var kept = run.Cells[0].Outputs.ToDictionary(o => o.Kind, o => o.Data["text/plain"]);
        Assert.Equal("epoch 1\n", kept[OutputKind.Stdout]);
        Assert.Equal("warn", kept[OutputKind.Stderr]);
        Assert.Equal("2", kept[OutputKind.ExecuteResult]);
    }
}
