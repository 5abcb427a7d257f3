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
        Assert.Equal(Path.Combine(root, "runs", "merge"), folders.Run("merge").Path);
        Assert.Equal(Path.Combine(root, "report"), folders.Report);
        Assert.Equal(Path.Combine(root, "evaluation"), folders.Evaluations);
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
