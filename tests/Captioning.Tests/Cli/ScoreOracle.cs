using System.Text.Json;
using System.Text.Json.Nodes;
using Captioning.Data;
using Xunit;

namespace Captioning.Tests.Cli;

/// <summary>Rescores a predictions file with `caption score`, the path a user takes, to check numbers other commands printed.</summary>
internal static class ScoreOracle
{
    /// <summary>
    /// Asserts that <paramref name="evaluated"/> (the model part of `caption evaluate --json`) holds exactly the
    /// coco, nltk, images, intervals and bootstrap members that `caption score` prints for <paramref name="predictions"/>
    /// against the dataset's own reference and split files, with the same bootstrap settings.
    /// </summary>
    internal static void AssertEqualsScoreOf(string data, Split split, string predictions, JsonElement evaluated, int bootstrap, int seed)
    {
        var text = Path.Combine(data, Flickr8kLoader.TextFolder);
        var splitFile = Flickr8kLoader.SplitFiles.Single(s => s.Split == split).File;
        var (code, stdout, stderr) = CliProcess.Run("score", "--references", Path.Combine(text, Flickr8kLoader.TokenFile),
            "--predictions", predictions, "--split", Path.Combine(text, splitFile), "--json",
            "--bootstrap", bootstrap.ToString(), "--seed", seed.ToString());
        Assert.True(code == 0, stderr);
        var scored = JsonNode.Parse(stdout)!.AsObject();
        var ours = JsonNode.Parse(evaluated.GetRawText())!.AsObject();
        foreach (var member in new[] { "coco", "nltk", "images", "intervals", "bootstrap" })
        {
            Assert.True(ours.ContainsKey(member), $"evaluate --json lacks '{member}'");
            Assert.True(JsonNode.DeepEquals(scored[member], ours[member]),
                $"'{member}': caption score printed {scored[member]?.ToJsonString()}, evaluate printed {ours[member]?.ToJsonString()}");
        }
    }
}
