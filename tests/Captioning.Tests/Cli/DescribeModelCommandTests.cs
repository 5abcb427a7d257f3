using Xunit;

namespace Captioning.Tests.Cli;

public sealed class DescribeModelCommandTests : NativeLeakGuard
{
    [Fact]
    public void DescribeModel_BrownleeMerge_PrintsTheTutorialSummary()
    {
        var (code, output, error) = CliRunner.Run("describe-model", "--preset", "brownlee-merge");
        Assert.True(code == 0, error);
        Assert.StartsWith("merge: V=7,579, F=4,096, E=256, H=256, 1 layer(s)", output);
        Assert.Contains("PyTorch LSTM has two bias vectors: +1,024 against Keras", output);
        Assert.Contains("total parameters  5,528,987", output);
        Assert.Contains("Keras equivalent  5,527,963", output);
        Assert.Contains("(B, 34, 7579)", output);
    }

    [Fact]
    public void DescribeModel_TakesVocabularyFeatureWidthAndModel_AndWritesTheDiagram()
    {
        var svg = Path.Combine(Path.GetTempPath(), $"describe-model-{Guid.NewGuid():N}.svg");
        try
        {
            var (code, output, error) = CliRunner.Run("describe-model", "--preset", "demo", "--model", "par-inject", "--vocab", "50", "--feature-dim", "20", "--diagram", svg);
            Assert.True(code == 0, error);
            Assert.StartsWith("par-inject: V=50, F=20, E=128, H=128, 1 layer(s)", output);
            Assert.Contains("(B, 16, 50)", output); // the demo's 16 input steps
            Assert.Contains("par-inject: [word; image] each step", File.ReadAllText(svg));
        }
        finally
        {
            File.Delete(svg);
        }
    }

    [Fact]
    public void DescribeModel_RejectsAVocabularyTooSmall()
    {
        var (code, _, error) = CliRunner.Run("describe-model", "--vocab", "2");
        Assert.Equal(1, code);
        Assert.Equal("error: --vocab must be at least 4 (the special tokens), got 2", error.Trim());
    }

    [Fact]
    public void Train_OffersSummary()
    {
        var (code, output, _) = CliRunner.Run("train", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--summary", output);
    }
}
