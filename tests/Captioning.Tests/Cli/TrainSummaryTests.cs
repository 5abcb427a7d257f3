using Xunit;

namespace Captioning.Tests.Cli;

[Collection(TrainedRunsCollection.Name)]
public sealed class TrainSummaryTests(TrainedRunsFixture fixture) : NativeLeakGuard
{
    [Fact]
    public void Train_Summary_PrintsTheLayersBeforeTraining()
    {
        var run = fixture.Pipeline.NewFolder("summary");
        var (code, output, error) = CliRunner.Run(fixture.TrainArgs(run, 1, "--summary"));
        Assert.True(code == 0, error);
        var lines = output.Split('\n');
        Assert.StartsWith("merge: V=", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("lstm ", StringComparison.Ordinal) && l.Contains("PyTorch LSTM has two bias vectors: +512 against Keras"));
        Assert.Contains(lines, l => l.StartsWith("total parameters", StringComparison.Ordinal));
        // The summary comes first; the training result line last.
        Assert.Contains("best epoch 1", lines.Last(l => l.Length > 0));
    }
}
