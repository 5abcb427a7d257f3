using Captioning.Tests.Data;
using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Workbook;

public class WorkbookFoldersTests
{
    [Fact]
    public void Paths_AreTheDemoLayoutUnderTheRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), "wb");
        var folders = new WorkbookFolders(root);
        Assert.Equal(Path.Combine(root, "data"), folders.SyntheticData);
        Assert.Equal(Path.Combine(root, "small-cnn.feat"), folders.FeatureStore("small-cnn"));
        Assert.Equal(Path.Combine(root, "runs"), folders.Runs);
        Assert.Equal(Path.Combine(root, "report"), folders.Report);
        Assert.Equal(Path.Combine(root, "evaluation"), folders.Evaluations);
    }

    [Fact]
    public void Run_IsTheCurrentExperimentsRunOfThatModelAndSeed()
    {
        using var temp = new TempFolder();
        var folders = new WorkbookFolders(temp.Path);
        var error = Assert.Throws<CaptioningException>(() => folders.Run("merge"));
        Assert.Equal($"no experiment in '{folders.Runs}' yet: run 03-merge-vs-inject.dib with the same workDir first", error.Message);
        // A work folder of an earlier version (one runs/merge per architecture) gets told why its runs are not used.
        Directory.CreateDirectory(Path.Combine(folders.Runs, "merge"));
        Assert.Contains("come from an earlier version of the workbook", Assert.Throws<CaptioningException>(() => folders.Run("merge")).Message);

        Experiment.MakeCurrent(folders, folders.SyntheticData, "0123456789ab", new ExperimentSettings(), ["merge", "par-inject"], [3, 4]);
        Assert.Equal(Path.Combine(folders.Runs, "0123456789ab", "merge-seed3"), folders.Run("merge").Path);
        Assert.Equal(Path.Combine(folders.Runs, "0123456789ab", "par-inject-seed4"), folders.Run("par-inject", 4).Path);
        Assert.Equal("experiment 0123456789ab trains seeds 3, 4, not 1; raise the seeds parameter of notebook 03",
            Assert.Throws<CaptioningException>(() => folders.Run("merge", 1)).Message);
        Assert.Equal("experiment 0123456789ab trains merge, par-inject, not 'pre-inject'; add it to the architectures parameter of notebook 03",
            Assert.Throws<CaptioningException>(() => folders.Run("pre-inject")).Message);
        var current = Experiment.Current(folders);
        Assert.Equal(new ExperimentSettings(), current.Settings);
        Assert.Equal(folders.SyntheticData, current.DataDir);

        File.WriteAllText(Path.Combine(folders.Runs, "current.json"), "{\"Key\": ");
        Assert.StartsWith($"'{Path.Combine(folders.Runs, "current.json")}' is not valid JSON", Assert.Throws<CaptioningException>(() => folders.Run("merge")).Message);
    }

    [Fact]
    public void Constructor_ThrowsForEmptyWorkDir()
    {
        Assert.Contains("workDir is empty", Assert.Throws<CaptioningException>(() => new WorkbookFolders(" ")).Message);
    }

    [Fact]
    public void Ensure_ThrowsNamingAMissingDataPath()
    {
        using var temp = new TempFolder();
        var missing = Path.Combine(temp.Path, "flickr");
        var error = Assert.Throws<CaptioningException>(() => WorkbookData.Ensure(new WorkbookFolders(temp.Path), missing, 100));
        Assert.Contains($"dataPath '{missing}' does not exist", error.Message);
    }

    [Fact]
    public void Load_ThrowsPointingAtNotebook01WhenNoDataExists()
    {
        using var temp = new TempFolder();
        var error = Assert.Throws<CaptioningException>(() => WorkbookData.Load(new WorkbookFolders(temp.Path), ""));
        Assert.Contains("run 01-data-preparation.dib first", error.Message);
    }
}
