using System.Text.Json;
using Captioning.Tests.Cli;
using Captioning.Training;
using Xunit;

namespace Captioning.Tests.Training;

/// <summary>
/// The greedy dev BLEU-4/CIDEr-D that `train --validate-every` writes equal `caption evaluate --split dev --beam 1` of the
/// checkpoint saved at that epoch: the same images, decoding and metrics, reached through the saved weights.
/// </summary>
[Trait("Category", "Slow")]
[Collection(TrainedRunsCollection.Name)]
public sealed class ValidationScoresTests(TrainedRunsFixture fixture) : NativeLeakGuard
{
    [Fact]
    public void ValidateEvery_ScoresEqualEvaluatingTheBestCheckpointOnDevGreedily()
    {
        var run = fixture.Shared(2, "--seed", "3", "--validate-every", "1");
        var metrics = new RunFolder(run).ReadMetrics();
        Assert.All(metrics, m => Assert.Equal(["val_bleu4", "val_cider"], m.Extra!.Keys.Order(StringComparer.Ordinal)));
        // best.safetensors holds the weights of the last epoch that improved the validation loss.
        var best = metrics.Last(m => m.IsBest);

        var (code, stdout, stderr) = CliRunner.Run("evaluate", "--run", run, "--split", "dev", "--beam", "1", "--bootstrap", "0", "--json", "--threads", "1");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var coco = json.RootElement.GetProperty("coco");
        Assert.Equal(8, json.RootElement.GetProperty("images").GetInt32());
        Assert.Equal(coco.GetProperty("Bleu_4").GetDouble(), best.Extra!["val_bleu4"], 12);
        Assert.Equal(coco.GetProperty("CIDEr").GetDouble(), best.Extra["val_cider"], 12);
        // The two epochs score differently, so the equality above also pins which epoch's weights were scored.
        Assert.NotEqual(metrics[0].Extra!["val_cider"], metrics[1].Extra!["val_cider"]);
    }
}
