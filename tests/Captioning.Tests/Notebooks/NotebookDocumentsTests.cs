using System.Text.Json;
using Captioning.Tests.Cli;
using Captioning.Notebooks;
using Xunit;

namespace Captioning.Tests.Notebooks;

public class NotebookDocumentsTests
{
    private const string Sample = "#!meta\n\n{\"kernelInfo\":{\"defaultKernelName\":\"csharp\"}}\n\n#!markdown\n\n# Title\ntext\n\n#!csharp\n\n// parameters\nvar epochs = 5;\n\n#!csharp\n\nConsole.WriteLine(epochs);";

    private static DibNotebook SampleNotebook() => DibParser.Parse(Sample, "/nb/01-a.dib");

    [Fact]
    public void ToIpynb_WritesNbformat45WithCellIdsKernelspecAndNoOutputs()
    {
        using var json = JsonDocument.Parse(NotebookDocuments.ToIpynb(NotebookDocuments.ToDocument(SampleNotebook())));
        var root = json.RootElement;
        Assert.Equal(4, root.GetProperty("nbformat").GetInt32());
        Assert.Equal(5, root.GetProperty("nbformat_minor").GetInt32());
        var kernelspec = root.GetProperty("metadata").GetProperty("kernelspec");
        Assert.Equal(".net-csharp", kernelspec.GetProperty("name").GetString());
        Assert.Equal(".NET (C#)", kernelspec.GetProperty("display_name").GetString());
        Assert.Equal("C#", kernelspec.GetProperty("language").GetString());
        Assert.Equal("C#", root.GetProperty("metadata").GetProperty("language_info").GetProperty("name").GetString());

        var cells = root.GetProperty("cells").EnumerateArray().ToList();
        Assert.Equal(["01-a-1", "01-a-2", "01-a-3"], cells.Select(c => c.GetProperty("id").GetString()));
        Assert.Equal(["markdown", "code", "code"], cells.Select(c => c.GetProperty("cell_type").GetString()));
        Assert.Equal(["// parameters\n", "var epochs = 5;"], cells[1].GetProperty("source").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Null, cells[2].GetProperty("execution_count").ValueKind);
        Assert.Equal(0, cells[2].GetProperty("outputs").GetArrayLength());
        Assert.Equal("csharp", cells[2].GetProperty("metadata").GetProperty("polyglot_notebook").GetProperty("kernelName").GetString());
    }

    [Fact]
    public void ToIpynb_IsTheSameBytesEveryTime()
    {
        var first = NotebookDocuments.ToIpynb(NotebookDocuments.ToDocument(SampleNotebook()));
        var second = NotebookDocuments.ToIpynb(NotebookDocuments.ToDocument(SampleNotebook()));
        Assert.Equal(first, second);
        Assert.EndsWith("}\n", first);
        Assert.DoesNotContain("\r", first);
    }

    [Fact]
    public void ParseIpynb_ReadsBackTheCellsThatWereWritten()
    {
        var notebook = SampleNotebook();
        var back = NotebookDocuments.ParseIpynb(NotebookDocuments.ToIpynb(NotebookDocuments.ToDocument(notebook)), "/nb/01-a.ipynb");
        Assert.Equal(notebook.Cells.Select(c => (c.Kind, c.Source)), back.Cells.Select(c => (c.Kind, c.Source)));
        Assert.Equal("Title", back.Title);
        Assert.Equal("5", NotebookParameters.Read(back).Single().Literal);
    }

    [Fact]
    public void ParseIpynb_ParameterErrorsNameTheCellAndItsLine()
    {
        var back = NotebookDocuments.ParseIpynb(NotebookDocuments.ToIpynb(NotebookDocuments.ToDocument(SampleNotebook())), "/nb/01-a.ipynb");
        var e = Assert.Throws<CaptioningException>(() => NotebookParameters.Apply(back, new Dictionary<string, string> { ["epochs"] = "many" }));
        Assert.Equal("--set epochs=many: 'many' is not an int ('epochs' is declared with value 5 at /nb/01-a.ipynb cell 2 line 2)", e.Message);
    }

    [Fact]
    public void ParseIpynb_ThrowsNamingTheFileForSomethingElse()
    {
        var e = Assert.Throws<CaptioningException>(() => NotebookDocuments.ParseIpynb("[1, 2", "/nb/02-x.ipynb"));
        Assert.StartsWith("/nb/02-x.ipynb: not a Jupyter notebook", e.Message);
    }

    [Fact]
    public void ParseIpynb_ThrowsNamingTheCellOfAnotherKernel()
    {
        const string json = """{"cells":[{"cell_type":"code","id":"a","metadata":{"polyglot_notebook":{"kernelName":"fsharp"}},"outputs":[],"source":["let a = 1"]}],"metadata":{},"nbformat":4,"nbformat_minor":5}""";
        var e = Assert.Throws<CaptioningException>(() => NotebookDocuments.ParseIpynb(json, "/nb/02-x.ipynb"));
        Assert.StartsWith("/nb/02-x.ipynb cell 1: 'fsharp' cells are not supported", e.Message);
    }

    [Theory]
    [InlineData("01-data-preparation", 12, "01-data-preparation-12")]
    [InlineData("my notebook.v2", 3, "my-notebook-v2-3")]
    public void CellId_IsTheNameAndNumberInTheIdAlphabet(string name, int number, string expected)
    {
        var notebook = new DibNotebook($"/nb/{name}.dib", "csharp", []);
        Assert.Equal(expected, NotebookDocuments.CellId(notebook, number));
    }

    [Fact]
    public void CellId_KeepsTheNumberWhenTheNameIsLong()
    {
        var notebook = new DibNotebook($"/nb/{new string('a', 80)}.dib", "csharp", []);
        var id = NotebookDocuments.CellId(notebook, 123);
        Assert.Equal(64, id.Length);
        Assert.EndsWith("a-123", id);
    }

    [Fact]
    public void WorkbookNotebooks_SplitIntoTheSameCellsAsTheKernelsOwnReader()
    {
        var files = DibParser.NumberedFiles(Path.Combine(RepoPaths.Root(), "notebooks"));
        Assert.Equal(5, files.Count);
        foreach (var file in files)
        {
            var ours = DibParser.Load(file).Cells.Select(c => (c.Kind == CellKind.Markdown ? "markdown" : "csharp", c.Source)).ToList();
            var kernels = NotebookDocuments.ReadDib(File.ReadAllText(file)).Select(c => (c.Kernel, c.Source.ReplaceLineEndings("\n"))).ToList();
            Assert.Equal(kernels, ours);
        }
    }

    [Fact]
    public void Convert_WritesOneIpynbPerNotebookThatLoadsBackAsTheSameCells()
    {
        var dir = Directory.CreateTempSubdirectory("convert-");
        try
        {
            var dib = Path.Combine(dir.FullName, "01-a.dib");
            File.WriteAllText(dib, Sample);
            var output = Path.Combine(dir.FullName, "out");
            var (code, stdout, _) = CliRunner.Run(["notebook", "convert", dib, "--out", output]);
            Assert.Equal(0, code);
            var ipynb = Path.Combine(output, "01-a.ipynb");
            Assert.Contains($"{dib} -> {ipynb}", stdout);
            Assert.Equal(NotebookDocuments.ToIpynb(NotebookDocuments.ToDocument(DibParser.Load(dib))), File.ReadAllText(ipynb));
            Assert.Equal(3, NotebookDocuments.Load(ipynb).Cells.Count);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
