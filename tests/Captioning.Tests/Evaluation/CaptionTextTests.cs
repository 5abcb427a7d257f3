using Captioning.Data;
using Captioning.Evaluation;
using Xunit;

namespace Captioning.Tests.Evaluation;

public sealed class CaptionTextTests
{
    [Theory]
    [InlineData("startseq dog runs on the grass endseq", "dog runs on the grass")]
    [InlineData("<start> A dog runs, on the grass. <end>", "dog runs on the grass")]
    [InlineData("<START> the start of a race <END>", "the start of race")]
    [InlineData("startseq endseq", "")]
    [InlineData("", "")]
    public void Tokens_StripMarkersThenClean(string raw, string expected)
    {
        Assert.Equal(expected, string.Join(' ', CaptionText.Tokens(raw, CaptionCleaner.Tutorial)));
    }

    [Fact]
    public void ScoreText_IgnoresMarkersOnBothSides()
    {
        // With the markers left in, NLTK BLEU-1 would count startseq/endseq as two free matches.
        var references = new Dictionary<string, IReadOnlyList<string>> { ["img"] = ["startseq dog runs fast endseq"] };
        var marked = CaptionScorer.ScoreText(references, new Dictionary<string, string> { ["img"] = "startseq cat runs slowly endseq" }, bootstrap: BootstrapOptions.None);
        // "cat runs slowly" vs "dog runs fast": 1 of 3 unigrams, equal lengths: BLEU-1 = 1/3.
        Assert.Equal(1.0 / 3, marked.Values[Metric.NltkBleu1], 1e-15);
    }

    [Fact]
    public void Score_ReportsPerImageScoresInIdOrder()
    {
        var references = new Dictionary<string, string[][]> { ["b"] = [["dog", "runs"]], ["a"] = [["cat", "sleeps"]] };
        var candidates = new Dictionary<string, string[]> { ["b"] = ["dog", "runs"], ["a"] = [] };
        var report = CaptionScorer.Score(references, candidates, BootstrapOptions.None);
        Assert.Equal(["a", "b"], report.PerImage.Select(p => p.ImageId));
        Assert.Equal(0.0, report.PerImage[0].Bleu4);
        Assert.Equal(0.0, report.PerImage[0].Cider);
        // "dog runs" exact, N = 2: CIDEr-D 5 (see CiderDTests), ROUGE-L 1.
        Assert.Equal(5.0, report.PerImage[1].Cider, 1e-12);
        Assert.Equal(1.0, report.PerImage[1].RougeL, 1e-15);
        Assert.Equal(2.5, report.Values[Metric.Cider], 1e-12);
    }
}
