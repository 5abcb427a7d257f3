using Captioning.Cli;
using Captioning.Data;
using Xunit;

namespace Captioning.Tests.Data;

public sealed class DataCommandTests
{
    [Fact]
    public void Root_ListsDataSynthAndPrepare()
    {
        var root = Program.BuildRoot();
        var data = Assert.Single(root.Subcommands, c => c.Name == "data");
        var synth = Assert.Single(data.Subcommands, c => c.Name == "synth");
        Assert.Equal(["--out", "--images", "--seed", "--size", "--force", "--threads"], synth.Options.Select(o => o.Name));
        var prepare = Assert.Single(root.Subcommands, c => c.Name == "prepare");
        Assert.Equal(["--data", "--karpathy", "--min-count", "--keep-single-letters", "--skip-missing", "--restval", "--out"], prepare.Options.Select(o => o.Name));
    }

    [Fact]
    public void Prepare_ExitsWithUserErrorForMissingData()
    {
        using var temp = new TempFolder();
        Assert.Equal(1, Program.Main(["prepare", "--data", Path.Combine(temp.Path, "none"), "--out", temp.Path]));
    }

    [Fact]
    public void SynthThenPrepare_WriteTheTutorialFiles()
    {
        using var temp = new TempFolder();
        var data = Path.Combine(temp.Path, "d");
        var prepared = Path.Combine(temp.Path, "p");
        Assert.Equal(0, Program.Main(["data", "synth", "--out", data, "--images", "8", "--seed", "3", "--size", "32"]));
        Assert.Equal(0, Program.Main(["prepare", "--data", data, "--out", prepared, "--min-count", "2", "--keep-single-letters"]));
        var vocabulary = Vocabulary.Load(Path.Combine(prepared, DatasetPreparer.VocabularyFile));
        Assert.Equal(2, vocabulary.MinCount);
        var descriptions = DatasetPreparer.ReadDescriptions(Path.Combine(prepared, DatasetPreparer.DescriptionsFile));
        Assert.Equal(8, descriptions.Count);
        Assert.All(descriptions.Values, captions => Assert.Equal(5, captions.Count));
    }
}
