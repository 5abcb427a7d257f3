using Xunit;

namespace Captioning.Tests.Cli;

/// <summary>Command-line parse errors: one line with every reason and a `--help` hint, never the help text.</summary>
public class CliParseErrorTests
{
    [Fact]
    public void Run_NamesEveryParseErrorOnOneLine()
    {
        var (code, _, error) = CliRunner.Run("train", "--epochs", "x");
        Assert.Equal(1, code);
        Assert.Equal("error: Option '--data' is required; Option '--features' is required; Cannot parse argument 'x' for option '--epochs' as an integer; "
            + "Option '--out' is required; see caption train --help" + Environment.NewLine, error);
    }

    [Fact]
    public void Run_AsksForAVerbInOneLine()
    {
        var (code, _, error) = CliRunner.Run("weights");
        Assert.Equal(1, code);
        Assert.Equal("error: Required command was not provided; see caption weights --help" + Environment.NewLine, error);
    }

    [Fact]
    public void Run_NamesTheMissingArgument()
    {
        var (code, _, error) = CliRunner.Run("report", "png", "page.html");
        Assert.Equal(1, code);
        Assert.Equal("error: Required argument missing for command: 'png' (out); see caption report png --help" + Environment.NewLine, error);
    }

    [Fact]
    public void Run_ListsTheChoicesOfAnEnumOption()
    {
        var (code, _, error) = CliRunner.Run("prepare", "--data", "d", "--out", "o", "--restval", "nope");
        Assert.Equal(1, code);
        Assert.Equal("error: Cannot parse argument 'nope' for option '--restval'; expected one of: Dev, Exclude, Train; see caption prepare --help" + Environment.NewLine, error);
    }

    [Fact]
    public void Run_SuggestsTheClosestOptionForATypo()
    {
        var (code, _, error) = CliRunner.Run("bench", "--workload", "train", "--iteration", "2");
        Assert.Equal(1, code);
        Assert.Equal("error: Unrecognized command or argument '--iteration' (did you mean --iterations?); Unrecognized command or argument '2'; see caption bench --help" + Environment.NewLine, error);
    }

    [Fact]
    public void Run_SuggestsNothingForAFarOffOption()
    {
        var (code, _, error) = CliRunner.Run("info", "--verbose");
        Assert.Equal(1, code);
        Assert.Equal("error: Unrecognized command or argument '--verbose'; see caption info --help" + Environment.NewLine, error);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Main_GivesTheSameOneLineInAChildProcess()
    {
        var (code, stdout, stderr) = CliProcess.Run("train", "--epochs", "x");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal("error: Option '--data' is required; Option '--features' is required; Cannot parse argument 'x' for option '--epochs' as an integer; "
            + "Option '--out' is required; see caption train --help\n", stderr);
    }
}
