using Captioning.Tests.Data;
using Xunit;

namespace Captioning.Tests.Cli;

[Trait("Category", "Slow")]
public class DemoCommandTests
{
    [Fact]
    public void Demo_RunsTheFiveNotebooksPrintsTheTableAndSkipsFinishedWorkOnRerun()
    {
        using var temp = new TempFolder();
        var dir = Path.Combine(temp.Path, "demo");
        // The default encoder, resnet18-mlnet (the other demo tests use small-cnn).
        string[] args = ["demo", "--dir", dir, "--images", "120", "--epochs", "1", "--threads", "1"];
        var (code, stdout, stderr) = CliRunner.Run(args);
        Assert.True(code == 0, stderr + stdout);

        foreach (var stage in new[] { "[demo 1/6] generate the synthetic dataset", "[demo 2/6] notebook 01-data-preparation", "[demo 6/6] notebook 05-caption-new-photos" })
            Assert.Contains(stage, stderr);
        var lines = stdout.Split('\n');
        var header = Array.FindIndex(lines, l => l.StartsWith("test split, 15 images, beam 3; scores x100 with 95% bootstrap intervals", StringComparison.Ordinal));
        Assert.True(header >= 0, stdout);
        Assert.Equal(["merge", "init-inject", "pre-inject", "par-inject", "baseline: most-frequent", "baseline: nearest-neighbour"],
            lines.Skip(header + 2).Take(6).Select(l => l[..30].TrimEnd()));
        Assert.All(lines.Skip(header + 2).Take(6), l => Assert.Contains("[", l));
        var report = Path.Combine(dir, "report");
        Assert.Contains($"report: {Path.Combine(report, "index.html")}", stdout);
        var index = File.ReadAllText(Path.Combine(report, "index.html"));
        foreach (var name in new[] { "01-data-preparation", "02-feature-extraction", "03-merge-vs-inject", "04-evaluation", "05-caption-new-photos" })
        {
            Assert.True(File.Exists(Path.Combine(report, name + ".ipynb")), name);
            Assert.True(File.Exists(Path.Combine(report, name + ".html")), name);
            Assert.Contains($"href=\"{name}.ipynb\"", index);
        }
        Assert.DoesNotContain("a notebook failed", index);
        Assert.True(File.Exists(Path.Combine(dir, "resnet18-mlnet.feat")));
        Assert.False(File.Exists(Path.Combine(dir, "small-cnn.feat")));

        // A rerun trains and evaluates nothing again, and prints the same table.
        var (again, stdout2, stderr2) = CliRunner.Run(args);
        Assert.True(again == 0, stderr2 + stdout2);
        var evaluation = File.ReadAllText(Path.Combine(report, "04-evaluation.ipynb"));
        Assert.Contains("merge: reusing the evaluation", evaluation);
        Assert.Contains("par-inject seed 2: reusing the evaluation", evaluation);
        var training = File.ReadAllText(Path.Combine(report, "03-merge-vs-inject.ipynb"));
        Assert.Contains("merge seed 1: already finished", training);
        Assert.Contains("merge seed 2: already finished", training);
        Assert.Equal(lines.Skip(header).Take(8), stdout2.Split('\n').SkipWhile(l => !l.StartsWith("test split", StringComparison.Ordinal)).Take(8));
    }

    [Fact]
    public void Demo_ThrowsNamingAFolderWithoutNotebooks()
    {
        using var temp = new TempFolder();
        var (code, _, stderr) = CliRunner.Run("demo", "--dir", Path.Combine(temp.Path, "d"), "--notebooks", temp.Path);
        Assert.Equal(1, code);
        Assert.Contains($"--notebooks '{temp.Path}' holds no NN-*.dib notebooks", stderr);
    }
}
