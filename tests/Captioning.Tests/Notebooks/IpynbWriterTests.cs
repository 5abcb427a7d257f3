using System.Text.Json;
using Captioning.Notebooks;
using Xunit;

namespace Captioning.Tests.Notebooks;

public class IpynbWriterTests
{
    private static NotebookRun SampleRun()
    {
        var notebook = DibParser.Parse("#!markdown\n# Title\ntext\n#!csharp\nConsole.WriteLine(\"hi\");\n1 + 1\n#!csharp\ndisplay(x);", "/nb/01-a.dib");
        var markdown = new CellResult(notebook.Cells[0]);
        var first = new CellResult(notebook.Cells[1]) { Status = CellStatus.Succeeded, ExecutionCount = 1, Duration = TimeSpan.FromMilliseconds(1500) };
        first.Outputs.Add(CellOutput.Text(OutputKind.Stdout, "hi\n"));
        first.Outputs.Add(new CellOutput(OutputKind.ExecuteResult, new Dictionary<string, string> { ["text/plain"] = "2" }));
        var second = new CellResult(notebook.Cells[2]) { Status = CellStatus.Succeeded, ExecutionCount = 2 };
        second.Outputs.Add(new CellOutput(OutputKind.DisplayData,
            new Dictionary<string, string> { ["text/plain"] = "pic", ["text/html"] = "<b>a</b>\n<i>b</i>", ["image/png"] = "iVBORw0KGgo=" }));
        return new NotebookRun(notebook, [markdown, first, second], new Dictionary<string, string> { ["epochs"] = "1" },
            new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void ToJson_WritesNbformat45WithDotnetKernelspec()
    {
        using var json = JsonDocument.Parse(IpynbWriter.ToJson(SampleRun()));
        var root = json.RootElement;
        Assert.Equal(4, root.GetProperty("nbformat").GetInt32());
        Assert.Equal(5, root.GetProperty("nbformat_minor").GetInt32());
        var kernelspec = root.GetProperty("metadata").GetProperty("kernelspec");
        Assert.Equal(".net-csharp", kernelspec.GetProperty("name").GetString());
        Assert.Equal("C#", kernelspec.GetProperty("language").GetString());
        Assert.Equal(".NET (C#)", kernelspec.GetProperty("display_name").GetString());
        var run = root.GetProperty("metadata").GetProperty("caption_run");
        Assert.Equal("01-a.dib", run.GetProperty("source").GetString());
        Assert.Equal("1", run.GetProperty("parameters").GetProperty("epochs").GetString());
        Assert.True(run.GetProperty("succeeded").GetBoolean());
    }

    [Fact]
    public void ToJson_WritesCellsSourcesAndOutputs()
    {
        using var json = JsonDocument.Parse(IpynbWriter.ToJson(SampleRun()));
        var cells = json.RootElement.GetProperty("cells");
        Assert.Equal(3, cells.GetArrayLength());

        var markdown = cells[0];
        Assert.Equal("markdown", markdown.GetProperty("cell_type").GetString());
        Assert.Equal("01-a-1", markdown.GetProperty("id").GetString());
        Assert.Equal(["# Title\n", "text"], markdown.GetProperty("source").EnumerateArray().Select(e => e.GetString()));

        var code = cells[1];
        Assert.Equal("code", code.GetProperty("cell_type").GetString());
        Assert.Equal(1, code.GetProperty("execution_count").GetInt32());
        Assert.Equal("csharp", code.GetProperty("metadata").GetProperty("polyglot_notebook").GetProperty("kernelName").GetString());
        Assert.Equal(1.5, code.GetProperty("metadata").GetProperty("caption_run").GetProperty("seconds").GetDouble());
        var stream = code.GetProperty("outputs")[0];
        Assert.Equal("stream", stream.GetProperty("output_type").GetString());
        Assert.Equal("stdout", stream.GetProperty("name").GetString());
        Assert.Equal(["hi\n"], stream.GetProperty("text").EnumerateArray().Select(e => e.GetString()));
        var result = code.GetProperty("outputs")[1];
        Assert.Equal("execute_result", result.GetProperty("output_type").GetString());
        Assert.Equal(1, result.GetProperty("execution_count").GetInt32());
        Assert.Equal(["2"], result.GetProperty("data").GetProperty("text/plain").EnumerateArray().Select(e => e.GetString()));

        var display = cells[2].GetProperty("outputs")[0];
        Assert.Equal("display_data", display.GetProperty("output_type").GetString());
        Assert.False(display.TryGetProperty("execution_count", out _));
        var data = display.GetProperty("data");
        Assert.Equal(["<b>a</b>\n", "<i>b</i>"], data.GetProperty("text/html").EnumerateArray().Select(e => e.GetString()));
        // nbformat allows a string or a list of lines for any MIME value; the Interactive writer gives lists.
        Assert.Equal(["iVBORw0KGgo="], data.GetProperty("image/png").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void ToHtml_RendersMarkdownCollapsedCodeAndOutputs()
    {
        var html = HtmlReportWriter.ToHtml(SampleRun());
        Assert.Contains("<script src=\"plotly.min.js\"></script>", html);
        Assert.Contains("<h1>Title</h1>", html);
        Assert.Contains("<p>text</p>", html);
        Assert.Contains("<details class=\"code\"><summary><span>[2]</span><span class=\"first\">Console.WriteLine(&quot;hi&quot;);</span><span>1.50 s</span></summary>", html);
        Assert.Contains("<pre class=\"stdout\">hi</pre>", html);
        Assert.Contains("<b>a</b>\n<i>b</i>", html);
        Assert.Contains("<code>epochs=1</code>", html);
    }
}
