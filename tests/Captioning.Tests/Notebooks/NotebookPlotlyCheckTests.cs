using Captioning.Tests.Cli;
using Captioning.Tests.Data;
using Xunit;

namespace Captioning.Tests.Notebooks;

/// <summary>The reports need plotly.min.js: without it a notebook run stops before any cell runs, not after.</summary>
public class NotebookPlotlyCheckTests
{
    [Fact]
    public void Run_WithoutPlotly_FailsBeforeTheFirstCell()
    {
        using var temp = new TempFolder();
        var marker = Path.Combine(temp.Path, "ran.txt");
        var notebook = Path.Combine(temp.Path, "01-x.dib");
        File.WriteAllText(notebook, $"#!csharp\n\nSystem.IO.File.WriteAllText(@\"{marker}\", \"ran\");\n");
        var missing = Path.Combine(temp.Path, "no-plotly.min.js");
        var previous = Environment.GetEnvironmentVariable("CAPTION_PLOTLY_JS");
        Environment.SetEnvironmentVariable("CAPTION_PLOTLY_JS", missing);
        try
        {
            foreach (var args in new[] { new[] { "notebook", "run", notebook, "--out", Path.Combine(temp.Path, "out") },
                                         new[] { "notebook", "run-all", "--dir", temp.Path, "--out", Path.Combine(temp.Path, "out") } })
            {
                var (code, _, stderr) = CliRunner.Run(args);
                Assert.Equal(1, code);
                Assert.Equal($"error: CAPTION_PLOTLY_JS is set to '{missing}', which does not exist", stderr.Trim());
                Assert.False(File.Exists(marker), "a cell ran before the missing plotly.min.js was reported");
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable("CAPTION_PLOTLY_JS", previous);
        }
    }
}
