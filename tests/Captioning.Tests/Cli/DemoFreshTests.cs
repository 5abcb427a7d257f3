using Captioning.Tests.Data;
using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Cli;

/// <summary>`caption demo --fresh` throws away the previous demo output and runs every stage again, where a plain rerun reuses it.</summary>
[Trait("Category", "Slow")]
public class DemoFreshTests
{
    [Fact]
    public void Demo_Fresh_DeletesThePreviousOutputAndRerunsEveryStage()
    {
        using var temp = new TempFolder();
        var dir = Path.Combine(temp.Path, "demo");
        // The small configuration of DemoCommandTests.
        string[] args = ["demo", "--dir", dir, "--images", "120", "--epochs", "1", "--encoder", "small-cnn", "--cnn-epochs", "1", "--threads", "1"];
        var (code, first, stderr) = CliRunner.Run(args);
        Assert.True(code == 0, stderr + first);

        // Mark what is there now: a file of no stage, and every file dated long ago, so a file with a recent date was rewritten.
        var stale = Path.Combine(dir, "stale.txt");
        File.WriteAllText(stale, "left by an earlier demo");
        var old = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (var file in Directory.GetFiles(dir, "*", SearchOption.AllDirectories)) File.SetLastWriteTimeUtc(file, old);

        var (again, second, stderr2) = CliRunner.Run([.. args, "--fresh"]);
        Assert.True(again == 0, stderr2 + second);
        Assert.False(File.Exists(stale));
        for (var stage = 1; stage <= 6; stage++) Assert.Contains($"[demo {stage}/6] ", stderr2);
        var key = Experiment.Current(new WorkbookFolders(dir)).Key;
        string[] written =
        [
            "data/Flickr8k_Dataset/synth_00000.jpg", "small-cnn.feat", $"runs/{key}/merge-seed1/checkpoints/best.safetensors", $"runs/{key}/par-inject-seed2/checkpoints/best.safetensors",
            $"evaluation/{key}-merge-seed1-test-beam3-bootstrap1000.json", "report/01-data-preparation.ipynb", "report/05-caption-new-photos.ipynb", "report/index.html",
        ];
        Assert.All(written, f => Assert.True(File.GetLastWriteTimeUtc(Path.Combine(dir, f)) > old, $"{f} was not written again"));
        var training = File.ReadAllText(Path.Combine(dir, "report", "03-merge-vs-inject.ipynb"));
        Assert.Contains("merge seed 1: trained", training);
        Assert.DoesNotContain("already finished", training);
        var evaluation = File.ReadAllText(Path.Combine(dir, "report", "04-evaluation.ipynb"));
        Assert.Contains("merge: evaluated", evaluation);
        Assert.DoesNotContain("reusing the evaluation", evaluation);
        // Everything is seeded: starting over gives the same table.
        Assert.Equal(8, Table(first).Count());
        Assert.Equal(Table(first), Table(second));
    }

    private static IEnumerable<string> Table(string stdout) =>
        stdout.Split('\n').SkipWhile(l => !l.StartsWith("test split", StringComparison.Ordinal)).Take(8);
}
