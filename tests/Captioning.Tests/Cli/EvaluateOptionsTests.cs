using System.Text.Json;
using Xunit;

namespace Captioning.Tests.Cli;

/// <summary>`caption evaluate --max-length/--length-penalty/--seed`: each recorded in the JSON, range-checked, and with its effect.</summary>
[Trait("Category", "Slow")]
[Collection(TrainedRunsCollection.Name)]
public sealed class EvaluateOptionsTests(TrainedRunsFixture fixture) : NativeLeakGuard
{
    private string Run => fixture.Shared(2, "--seed", "3", "--validate-every", "1");

    // The JSON of `evaluate --json` and the captions it wrote (predictions TSV, one "id<TAB>caption" line per image).
    private (JsonElement Json, string[] Captions) Evaluate(params string[] extra)
    {
        var (code, stdout, stderr) = CliRunner.Run(["evaluate", "--run", Run, "--split", "test", "--json", "--threads", "1", .. extra]);
        Assert.True(code == 0, stderr);
        var json = JsonDocument.Parse(stdout).RootElement;
        var captions = File.ReadAllLines(json.GetProperty("predictions").GetString()!).Select(l => l.Split('\t')[1]).ToArray();
        return (json, captions);
    }

    private static int Words(string caption) => caption.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    [Fact]
    public void Evaluate_MaxLength_CapsEveryCaptionAndIsRecorded()
    {
        var (free, freeCaptions) = Evaluate("--beam", "2", "--bootstrap", "0");
        Assert.Equal(20, free.GetProperty("decode").GetProperty("max_length").GetInt32());
        Assert.Contains(freeCaptions, c => Words(c) > 2); // otherwise a cap of 2 would prove nothing

        var (capped, cappedCaptions) = Evaluate("--beam", "2", "--bootstrap", "0", "--max-length", "2");
        Assert.Equal(2, capped.GetProperty("decode").GetProperty("max_length").GetInt32());
        Assert.Equal(2, capped.GetProperty("decode").GetProperty("beam").GetInt32());
        Assert.Equal(8, cappedCaptions.Length);
        Assert.All(cappedCaptions, c => Assert.InRange(Words(c), 1, 2));
    }

    [Fact]
    public void Evaluate_Seed_ChangesTheIntervalsButNotThePointScores()
    {
        var (first, _) = Evaluate("--beam", "1", "--bootstrap", "50", "--seed", "1");
        var (again, _) = Evaluate("--beam", "1", "--bootstrap", "50", "--seed", "1");
        var (other, _) = Evaluate("--beam", "1", "--bootstrap", "50", "--seed", "2");
        Assert.Equal(1, first.GetProperty("bootstrap").GetProperty("seed").GetInt32());
        Assert.Equal(2, other.GetProperty("bootstrap").GetProperty("seed").GetInt32());
        Assert.Equal(first.GetProperty("coco").GetRawText(), other.GetProperty("coco").GetRawText());
        Assert.Equal(first.GetProperty("nltk").GetRawText(), other.GetProperty("nltk").GetRawText());
        Assert.Equal(first.GetProperty("intervals").GetRawText(), again.GetProperty("intervals").GetRawText());
        Assert.NotEqual(first.GetProperty("intervals").GetRawText(), other.GetProperty("intervals").GetRawText());
    }

    [Fact]
    public void Evaluate_LengthPenalty_IsRecorded()
    {
        var (json, captions) = Evaluate("--beam", "3", "--bootstrap", "0", "--length-penalty", "1.5");
        Assert.Equal(1.5, json.GetProperty("decode").GetProperty("length_penalty").GetDouble());
        Assert.Equal(8, captions.Length);
        var (plain, _) = Evaluate("--beam", "3", "--bootstrap", "0");
        Assert.Equal(0, plain.GetProperty("decode").GetProperty("length_penalty").GetDouble());
    }

    [Theory]
    [InlineData("--max-length", "0", "--max-length must be at least 1, got 0")]
    [InlineData("--length-penalty", "-0.5", "--length-penalty must be >= 0, got -0.5")]
    [InlineData("--length-penalty", "NaN", "--length-penalty must be a finite number >= 0, got NaN")]
    [InlineData("--bootstrap", "-1", "--bootstrap must be 0 or more, got -1")]
    public void Evaluate_OutOfRangeValue_ExitsOneNamingTheOption(string option, string value, string message)
    {
        // The run folder does not even need to exist: options are checked first.
        var (code, stdout, stderr) = CliRunner.Run("evaluate", "--run", fixture.Pipeline.NewFolder("none"), option, value);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("error: " + message, stderr);
    }
}
