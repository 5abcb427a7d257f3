using Captioning.Notebooks;
using Xunit;

namespace Captioning.Tests.Notebooks;

public class DibParserTests
{
    private const string Path = "/nb/01-test.dib";

    [Fact]
    public void Parse_ReadsMetaMarkdownAndCSharpCells()
    {
        var text = """
            #!meta

            {"kernelInfo":{"defaultKernelName":"csharp","items":[{"aliases":[],"name":"csharp"}]}}

            #!markdown

            # Title

            Prose.

            #!csharp

            var x = 1;
            x + 1

            """;
        var notebook = DibParser.Parse(text, Path);
        Assert.Equal("csharp", notebook.DefaultKernel);
        Assert.Equal(2, notebook.Cells.Count);
        Assert.Equal(new NotebookCell(1, CellKind.Markdown, "# Title\n\nProse.", 7), notebook.Cells[0]);
        Assert.Equal(new NotebookCell(2, CellKind.CSharp, "var x = 1;\nx + 1", 13), notebook.Cells[1]);
        Assert.Equal("Title", notebook.Title);
        Assert.Equal("01-test", notebook.Name);
    }

    [Fact]
    public void Parse_AcceptsCrlfAndByteOrderMark()
    {
        var text = "\uFEFF#!csharp\r\n\r\nvar a = 1;\r\nvar b = 2;\r\n\r\n#!markdown\r\ntext\r\n";
        var notebook = DibParser.Parse(text, Path);
        Assert.Equal(2, notebook.Cells.Count);
        Assert.Equal("var a = 1;\nvar b = 2;", notebook.Cells[0].Source);
        Assert.Equal(3, notebook.Cells[0].Line);
        Assert.Equal("text", notebook.Cells[1].Source);
        Assert.Equal(7, notebook.Cells[1].Line);
    }

    [Fact]
    public void Parse_KeepsMagicCommandsInTheirCell()
    {
        var text = "#!csharp\n#!time\n#!import setup.dib\nvar a = 1;\n#!c#\nvar b = 2;";
        var notebook = DibParser.Parse(text, Path);
        Assert.Equal(2, notebook.Cells.Count);
        Assert.Equal("#!time\n#!import setup.dib\nvar a = 1;", notebook.Cells[0].Source);
        Assert.Equal("var b = 2;", notebook.Cells[1].Source);
        Assert.Equal(CellKind.CSharp, notebook.Cells[1].Kind);
    }

    [Fact]
    public void Parse_TextBeforeAnyMarkerBelongsToTheDefaultKernel()
    {
        var notebook = DibParser.Parse("var a = 1;\n\n#!md\nhello", Path);
        Assert.Equal(CellKind.CSharp, notebook.Cells[0].Kind);
        Assert.Equal(1, notebook.Cells[0].Line);
        Assert.Equal(CellKind.Markdown, notebook.Cells[1].Kind);
    }

    [Fact]
    public void Parse_DropsEmptyCells()
    {
        var notebook = DibParser.Parse("#!csharp\n\n\n#!markdown\n\n#!csharp\nvar a = 1;", Path);
        var cell = Assert.Single(notebook.Cells);
        Assert.Equal(1, cell.Number);
        Assert.Equal(7, cell.Line);
    }

    [Fact]
    public void Parse_ThrowsForUnsupportedKernelNamingTheLine()
    {
        var e = Assert.Throws<CaptioningException>(() => DibParser.Parse("#!csharp\nvar a = 1;\n\n#!fsharp\nlet a = 1", Path));
        Assert.StartsWith("/nb/01-test.dib line 4: '#!fsharp' cells are not supported", e.Message);
    }

    [Fact]
    public void Parse_ThrowsForKernelDeclaredInMetaThatIsNotCSharp()
    {
        var text = "#!meta\n{\"kernelInfo\":{\"defaultKernelName\":\"csharp\",\"items\":[{\"name\":\"sqlite\",\"aliases\":[\"db\"]}]}}\n#!db\nselect 1";
        var e = Assert.Throws<CaptioningException>(() => DibParser.Parse(text, Path));
        Assert.StartsWith("/nb/01-test.dib line 3: '#!sqlite' cells are not supported", e.Message);
    }

    [Fact]
    public void Parse_ThrowsForMalformedMetaJson()
    {
        var e = Assert.Throws<CaptioningException>(() => DibParser.Parse("#!meta\n\n{\"kernelInfo\": \n#!csharp\nvar a = 1;", Path));
        Assert.StartsWith("/nb/01-test.dib line 3: the '#!meta' section is not valid JSON", e.Message);
    }

    [Fact]
    public void Parse_ThrowsForMetaThatIsNotFirst()
    {
        var e = Assert.Throws<CaptioningException>(() => DibParser.Parse("#!csharp\nvar a = 1;\n#!meta\n{}", Path));
        Assert.StartsWith("/nb/01-test.dib line 3: '#!meta' may only open the file", e.Message);
    }

    [Fact]
    public void Parse_ThrowsForNonStringDefaultKernel()
    {
        var e = Assert.Throws<CaptioningException>(() => DibParser.Parse("#!meta\n{\"kernelInfo\":{\"defaultKernelName\":3}}", Path));
        Assert.Equal("/nb/01-test.dib line 2: '#!meta' defaultKernelName must be a string such as \"csharp\"", e.Message);
    }

    [Fact]
    public void Load_ThrowsForMissingFile()
    {
        var e = Assert.Throws<CaptioningException>(() => DibParser.Load("/nonexistent/02-x.dib"));
        Assert.Equal("notebook '/nonexistent/02-x.dib' does not exist", e.Message);
    }
}
