using Captioning.Data;
using Captioning.Evaluation;
using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Workbook;

public class EvaluationFiguresTests
{
    private static readonly Dictionary<string, IReadOnlyList<string>> References = new()
    {
        ["a.jpg"] = ["a red circle in the top left corner", "there is a red circle at the top left"],
        ["b.jpg"] = ["two blue squares on a white background", "a group of two blue squares"],
        ["c.jpg"] = ["a green star above a pink hexagon", "a pink hexagon below a green star"],
    };

    private static readonly Dictionary<string, string> Neighbour = new()
    {
        ["a.jpg"] = "a red square in the top right corner",
        ["b.jpg"] = "three blue squares",
        ["c.jpg"] = "a green star above a pink diamond",
    };

    private static ScoredModel Model(string name, IReadOnlyDictionary<string, string> captions, bool keepBaselines = true)
    {
        var none = new BootstrapOptions(0);
        var result = new EvaluationResult(Split.Test, CaptionScorer.ScoreText(References, captions, bootstrap: none),
            new Dictionary<string, ScoreReport> { ["nearest-neighbour"] = CaptionScorer.ScoreText(References, Neighbour, bootstrap: none) },
            captions.ToList(), References, "p.tsv",
            keepBaselines ? new Dictionary<string, IReadOnlyDictionary<string, string>> { ["nearest-neighbour"] = Neighbour } : null);
        return new ScoredModel(name, result);
    }

    [Fact]
    public void VersusBaseline_GivesEachModelsPairedDifferenceFromTheBaseline()
    {
        var copy = Model("copy", Neighbour);
        var exact = Model("exact", References.ToDictionary(r => r.Key, r => r.Value[0]));
        var table = EvaluationFigures.VersusBaseline([copy, exact], bootstrap: new BootstrapOptions(200, Seed: 3));
        var lines = table.ToString().Split('\n');
        Assert.Equal("Paired bootstrap: each model minus the nearest-neighbour baseline (x100, 95% interval; above 0 means the model is better)", lines[0]);
        // A model that says what the baseline says differs from it by exactly nothing, on every resample.
        Assert.StartsWith("copy - nearest-neighbour", lines[2]);
        Assert.Equal(6, lines[2].Split("0.0 [0.0, 0.0]").Length - 1);
        // Repeating a reference word for word beats the baseline: BLEU-1 difference = 100 - the baseline's BLEU-1.
        // By hand, after the tutorial's cleaning (one-letter words such as "a" dropped), coco BLEU-1 of the
        // baseline: clipped matches 5 + 2 + 4 = 11 of 7 + 3 + 5 = 15 words; closest reference lengths 7 + 5 + 5 = 17,
        // so the brevity penalty is e^(1 - 17/15) and BLEU-1 = 11/15 e^(-2/15) = 0.6417938. The exact set scores 1.
        // BLEU-1 is the first column: 100 - 64.17938 = 35.8.
        Assert.Matches(@"^exact - nearest-neighbour\s+35\.8 \[", lines[3]);
        Assert.Equal(2, table.RowCount);
        // Differences have no winner to bold.
        Assert.DoesNotContain("class=\"best\"", table.ToHtml());
    }

    [Fact]
    public void VersusBaseline_ThrowsForAnEvaluationWithoutBaselineCaptions()
    {
        var old = Model("merge", Neighbour, keepBaselines: false);
        var error = Assert.Throws<CaptioningException>(() => EvaluationFigures.VersusBaseline([old]));
        Assert.Contains("the evaluation of 'merge' has no nearest-neighbour captions", error.Message);
    }
}
