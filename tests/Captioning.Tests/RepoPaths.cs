using Xunit;

namespace Captioning.Tests;

/// <summary>The checkout the tests run from: the folder holding Captioning.slnx, found upwards from the test binaries.</summary>
internal static class RepoPaths
{
    internal static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Captioning.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return dir.FullName;
    }
}
