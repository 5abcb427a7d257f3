using Captioning.Cli;
using Captioning.Notebooks;
using Captioning.Tests.Notebooks;
using Xunit;

namespace Captioning.Tests.Cli;

public class NotebookCommandTests(NotebookFolder folder) : IClassFixture<NotebookFolder>
{
    private static int Caption(params string[] args)
    {
        var output = Console.Out;
        try
        {
            Console.SetOut(TextWriter.Null);
            return Program.Main(args);
        }
        finally
        {
            Console.SetOut(output);
        }
    }

    [Fact]
    public void RunAll_RunsNotebooksInOrderAndWritesAnIndex()
    {
        var dir = Path.Combine(folder.Root, "ok");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "02-second.dib"), "#!csharp\n// parameters\nvar epochs = 5;\n#!csharp\nSystem.IO.File.WriteAllText(\"order.txt\", System.IO.File.ReadAllText(\"order.txt\") + epochs);");
        File.WriteAllText(Path.Combine(dir, "01-first.dib"), "#!markdown\n# First\n#!csharp\nSystem.IO.File.WriteAllText(\"order.txt\", \"first\");");
        File.WriteAllText(Path.Combine(dir, "notes.dib"), "#!csharp\nthrow new Exception(\"not an NN- notebook, never run\");");
        var output = Path.Combine(folder.Root, "ok-report");
        Assert.Equal(0, Caption("notebook", "run-all", "--dir", dir, "--set", "epochs=2", "--out", output));
        Assert.Equal("first2", File.ReadAllText(Path.Combine(dir, "order.txt")));
        var index = File.ReadAllText(Path.Combine(output, "index.html"));
        Assert.Contains("<a href=\"01-first.html\">First</a>", index);
        Assert.Contains("<a href=\"02-second.ipynb\">02-second.ipynb</a>", index);
        Assert.True(index.IndexOf("01-first", StringComparison.Ordinal) < index.IndexOf("02-second", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(output, "plotly.min.js")));
        Assert.False(File.Exists(Path.Combine(output, "notes.html")));
    }

    [Fact]
    public void Convert_SetWritesEachValueIntoEveryNotebookThatDeclaresIt()
    {
        var dir = Path.Combine(folder.Root, "convert-set");
        Directory.CreateDirectory(dir);
        var first = Path.Combine(dir, "01-a.dib");
        var second = Path.Combine(dir, "02-b.dib");
        File.WriteAllText(first, "#!csharp\n// parameters\nint images = 1000;\nstring workDir = \"../runs/workbook\";\n#!csharp\nimages");
        File.WriteAllText(second, "#!csharp\n// parameters\nint epochs = 0;\nstring workDir = \"../runs/workbook\";");
        var output = Path.Combine(folder.Root, "convert-set-out");
        Assert.Equal(0, Caption("notebook", "convert", first, second, "--out", output, "--set", "images=120", "--set", "workDir=/tmp/w \"x\""));
        var a = NotebookDocuments.Load(Path.Combine(output, "01-a.ipynb"));
        var b = NotebookDocuments.Load(Path.Combine(output, "02-b.ipynb"));
        Assert.Equal(new[] { "120", "\"/tmp/w \\\"x\\\"\"" }, NotebookParameters.Read(a).Select(p => p.Literal));
        // 02 declares no images: it keeps its own values but for workDir.
        Assert.Equal(new[] { "0", "\"/tmp/w \\\"x\\\"\"" }, NotebookParameters.Read(b).Select(p => p.Literal));
        Assert.Equal("images", a.Cells[1].Source);
    }

    [Fact]
    public void RunAll_RejectsAParameterNoNotebookDeclares()
    {
        var dir = Path.Combine(folder.Root, "unknown");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "01-a.dib"), "#!csharp\n// parameters\nvar epochs = 5;");
        var output = Path.Combine(folder.Root, "unknown-report");
        Assert.Equal(1, Caption("notebook", "run-all", "--dir", dir, "--set", "epoch=2", "--out", output));
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Run_ExitsWithOneAndWritesThePartialReportWhenACellFails()
    {
        var notebook = folder.Write("01-fails.dib", "Console.WriteLine(\"first\");", "throw new Exception(\"boom\");");
        var output = Path.Combine(folder.Root, "fails-report");
        Assert.Equal(1, Caption("notebook", "run", notebook.Path, "--out", output));
        Assert.Contains("\"evalue\": \"boom\"", File.ReadAllText(Path.Combine(output, "01-fails.ipynb")));
        Assert.Contains("failed at cell 2", File.ReadAllText(Path.Combine(output, "01-fails.html")));
    }

    [Fact]
    public void Run_RunsTheIpynbFormThatConvertWrites()
    {
        var notebook = folder.Write("01-form.dib", "// parameters\nvar n = 2;", "System.IO.File.WriteAllText(\"form.txt\", (n * 21).ToString());");
        var converted = Path.Combine(folder.Root, "ipynb");
        Assert.Equal(0, Caption("notebook", "convert", notebook.Path, "--out", converted));
        Assert.Equal(0, Caption("notebook", "run", Path.Combine(converted, "01-form.ipynb"), "--set", "n=1", "--out", Path.Combine(folder.Root, "form-report")));
        // The cells ran in the .ipynb's folder, with the --set value.
        Assert.Equal("21", File.ReadAllText(Path.Combine(converted, "form.txt")));
    }

    [Fact]
    public void Run_ExitsWithOneForABadParameterValue()
    {
        var notebook = folder.Write("01-badset.dib", "// parameters\nvar epochs = 5;");
        Assert.Equal(1, Caption("notebook", "run", notebook.Path, "--set", "epochs=many", "--out", Path.Combine(folder.Root, "badset")));
    }
}
