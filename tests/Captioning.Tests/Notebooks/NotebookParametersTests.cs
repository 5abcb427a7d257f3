using Captioning.Notebooks;
using Xunit;

namespace Captioning.Tests.Notebooks;

public class NotebookParametersTests
{
    private const string Path = "/nb/03-train.dib";

    private static DibNotebook Notebook(string parameters) =>
        DibParser.Parse("#!markdown\n# Train\n#!csharp\n" + parameters + "\n#!csharp\nvar after = 1;", Path);

    private static readonly DibNotebook Standard = Notebook(
        "// parameters\nvar epochs = 5;\ndouble learningRate = 0.001;\n// a comment\nbool useBeam = false;\nstring dataPath = \"data/synthetic\";");

    [Fact]
    public void Read_ReturnsDeclaredTypesAndLines()
    {
        var parameters = NotebookParameters.Read(Standard);
        Assert.Equal(
            [
                new NotebookParameter("epochs", "int", "5", 1, 5),
                new NotebookParameter("learningRate", "double", "0.001", 2, 6),
                new NotebookParameter("useBeam", "bool", "false", 4, 8),
                new NotebookParameter("dataPath", "string", "\"data/synthetic\"", 5, 9),
            ],
            parameters);
    }

    [Fact]
    public void Apply_ReplacesEachTypeAndRecordsTheOldValue()
    {
        var values = new Dictionary<string, string> { ["epochs"] = "1", ["learningRate"] = "2", ["useBeam"] = "True", ["dataPath"] = "C:\\data \"x\"" };
        var applied = NotebookParameters.Apply(Standard, values);
        Assert.Equal(
            "// parameters\n" +
            "var epochs = 1; // --set (notebook value: 5)\n" +
            "double learningRate = 2.0; // --set (notebook value: 0.001)\n" +
            "// a comment\n" +
            "bool useBeam = true; // --set (notebook value: false)\n" +
            "string dataPath = \"C:\\\\data \\\"x\\\"\"; // --set (notebook value: \"data/synthetic\")",
            applied.Cells[1].Source);
        Assert.Equal("var after = 1;", applied.Cells[2].Source);
        Assert.Equal(Standard.Cells[1].Line, applied.Cells[1].Line);
    }

    [Fact]
    public void Apply_KeepsAVarDoubleADoubleWhenGivenAnInteger()
    {
        var applied = NotebookParameters.Apply(Notebook("// parameters\nvar lr = 0.5;"), new Dictionary<string, string> { ["lr"] = "3" });
        Assert.Equal("// parameters\nvar lr = 3.0; // --set (notebook value: 0.5)", applied.Cells[1].Source);
    }

    [Theory]
    [InlineData("epochs", "five", "--set epochs=five: 'five' is not an int ('epochs' is declared with value 5 at /nb/03-train.dib line 5)")]
    [InlineData("epochs", "2.5", "--set epochs=2.5: '2.5' is not an int ('epochs' is declared with value 5 at /nb/03-train.dib line 5)")]
    [InlineData("learningRate", "fast", "--set learningRate=fast: 'fast' is not a double ('learningRate' is declared with value 0.001 at /nb/03-train.dib line 6)")]
    [InlineData("learningRate", "NaN", "--set learningRate=NaN: 'NaN' is not a double ('learningRate' is declared with value 0.001 at /nb/03-train.dib line 6)")]
    [InlineData("useBeam", "yes", "--set useBeam=yes: 'yes' is not a bool ('useBeam' is declared with value false at /nb/03-train.dib line 8)")]
    public void Apply_ThrowsForValueOfWrongType(string name, string value, string message)
    {
        var e = Assert.Throws<CaptioningException>(() => NotebookParameters.Apply(Standard, new Dictionary<string, string> { [name] = value }));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Apply_ThrowsForUnknownNameListingTheKnownOnes()
    {
        var e = Assert.Throws<CaptioningException>(() => NotebookParameters.Apply(Standard, new Dictionary<string, string> { ["epoch"] = "1" }));
        Assert.Equal("--set epoch: no parameter 'epoch' in /nb/03-train.dib; its parameters are: epochs, learningRate, useBeam, dataPath", e.Message);
    }

    [Fact]
    public void Apply_IgnoresUnknownNameWhenAsked()
    {
        var applied = NotebookParameters.Apply(Standard, new Dictionary<string, string> { ["other"] = "1" }, ignoreUnknown: true);
        Assert.Equal(Standard.Cells[1].Source, applied.Cells[1].Source);
    }

    [Fact]
    public void Apply_ThrowsWhenNotebookHasNoParametersCell()
    {
        var notebook = DibParser.Parse("#!csharp\nvar epochs = 5;", Path);
        var e = Assert.Throws<CaptioningException>(() => NotebookParameters.Apply(notebook, new Dictionary<string, string> { ["epochs"] = "1" }));
        Assert.Equal("--set epochs: notebook /nb/03-train.dib has no parameters cell (a C# cell starting with '// parameters')", e.Message);
    }

    [Fact]
    public void Read_ThrowsForCodeThatIsNotAPlainDeclaration()
    {
        var e = Assert.Throws<CaptioningException>(() => NotebookParameters.Read(Notebook("// parameters\nvar epochs = 5;\nvar path = Path.Combine(\"a\", \"b\");")));
        Assert.StartsWith("/nb/03-train.dib line 6: the parameters cell holds only plain declarations", e.Message);
    }

    [Fact]
    public void Read_ThrowsForDeclaredTypeThatDoesNotMatchTheLiteral()
    {
        var e = Assert.Throws<CaptioningException>(() => NotebookParameters.Read(Notebook("// parameters\nint epochs = \"5\";")));
        Assert.Equal("/nb/03-train.dib line 5: 'epochs' is declared int but its value \"5\" is a string literal", e.Message);
    }

    [Fact]
    public void ParseAssignments_SplitsAtTheFirstEquals()
    {
        var values = NotebookParameters.ParseAssignments(["epochs=1", "dataPath=a=b"]);
        Assert.Equal("1", values["epochs"]);
        Assert.Equal("a=b", values["dataPath"]);
    }

    [Theory]
    [InlineData("epochs", "--set 'epochs' is malformed; expected NAME=VALUE, e.g. --set epochs=1")]
    [InlineData("=1", "--set '=1' is malformed; expected NAME=VALUE, e.g. --set epochs=1")]
    [InlineData("1x=1", "--set '1x=1' is malformed; expected NAME=VALUE, e.g. --set epochs=1")]
    public void ParseAssignments_ThrowsForMalformedPair(string assignment, string message)
    {
        var e = Assert.Throws<CaptioningException>(() => NotebookParameters.ParseAssignments([assignment]));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void ParseAssignments_ThrowsForRepeatedName()
    {
        var e = Assert.Throws<CaptioningException>(() => NotebookParameters.ParseAssignments(["a=1", "a=2"]));
        Assert.Equal("--set a is given twice; give each parameter once", e.Message);
    }
}
