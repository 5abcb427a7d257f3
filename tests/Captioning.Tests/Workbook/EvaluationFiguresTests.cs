using System.Text.Json.Nodes;
using Captioning.Data;
using Captioning.Evaluation;
using Captioning.Reports;
using Captioning.Tests.Data;
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

    [Fact]
    public void PairedComparison_GivesDifferencesWithoutBoldingAWinner()
    {
        var copy = Model("copy", Neighbour);
        var exact = Model("exact", References.ToDictionary(r => r.Key, r => r.Value[0]));
        var table = EvaluationFigures.PairedComparison([copy, exact], "exact", new BootstrapOptions(200, Seed: 3));
        // exact minus copy on BLEU-1: 100 - 64.17938 (worked by hand in the test above).
        Assert.Matches(@"^exact - copy\s+35\.8 \[", table.ToString().Split('\n')[2]);
        Assert.False(table.MarkBest);
        Assert.DoesNotContain("class=\"best\"", table.ToHtml());
    }

    [Fact]
    public void ScoreBars_DrawsCiderDInItsOwnPanelAndBaselinesGreyAndHatched()
    {
        var exact = Model("exact", References.ToDictionary(r => r.Key, r => r.Value[0]));
        var copy = Model("copy", Neighbour);
        var json = JsonNode.Parse(EvaluationFigures.ScoreBars([exact, copy]).ToJson())!;
        var traces = json["data"]!.AsArray().Select(t => t!).ToList();
        // Two models and one baseline, each drawn twice: BLEU/ROUGE-L on the left, CIDEr-D on the right.
        Assert.Equal(["exact", "exact", "copy", "copy", "baseline: nearest-neighbour", "baseline: nearest-neighbour"],
            traces.Select(t => (string)t["name"]!));
        foreach (var pair in traces.Chunk(2))
        {
            Assert.Equal(["BLEU-1", "BLEU-2", "BLEU-3", "BLEU-4", "ROUGE-L"], pair[0]["x"]!.AsArray().Select(v => (string)v!));
            Assert.Null(pair[0]["xaxis"]);
            Assert.Equal(["CIDEr-D"], pair[1]["x"]!.AsArray().Select(v => (string)v!));
            Assert.Equal(("x2", "y2"), ((string?)pair[1]["xaxis"], (string?)pair[1]["yaxis"]));
        }
        Assert.Equal("CIDEr-D x100", (string?)json["layout"]!["yaxis2"]!["title"]!["text"]);
        // A caption equal to a reference scores BLEU-1 100; the baseline 64.17938 (worked by hand above).
        Assert.Equal(100, (double)traces[0]["y"]![0]!, 6);
        Assert.Equal(64.17938, (double)traces[4]["y"]![0]!, 4);
        Assert.Equal(copy.Result.Model.Values[Metric.Cider] * 100, (double)traces[3]["y"]![0]!, 9); // CIDEr-D is not clipped to 100
        // Models in palette colours, plain; the baseline grey and hatched in both panels.
        Assert.Equal(["#0072B2", "#0072B2", "#E69F00", "#E69F00", "#9ca3af", "#9ca3af"], traces.Select(t => (string)t["marker"]!["color"]!));
        Assert.All(traces.Take(4), t => Assert.Null(t["marker"]!["pattern"]?["shape"]));
        Assert.All(traces.Skip(4), t => Assert.Equal("/", (string?)t["marker"]!["pattern"]!["shape"]));
    }

    [Fact]
    public void BeamSweep_TicksExactlyAtTheBeamSizes()
    {
        var result = Model("m", Neighbour).Result;
        var sweep = new Dictionary<string, IReadOnlyDictionary<int, EvaluationResult>>
        {
            ["merge"] = new Dictionary<int, EvaluationResult> { [1] = result, [3] = result, [5] = result },
            ["par-inject"] = new Dictionary<int, EvaluationResult> { [2] = result, [1] = result },
        };
        var xaxis = JsonNode.Parse(EvaluationFigures.BeamSweep(sweep).ToJson())!["layout"]!["xaxis"]!;
        Assert.Equal("array", (string?)xaxis["tickmode"]);
        Assert.Equal([1.0, 2, 3, 5], xaxis["tickvals"]!.AsArray().Select(v => (double)v!));
    }

    // A result whose per-image scores are given, not computed: image id -> (caption, BLEU-4, CIDEr-D) on the 0-1 scale.
    private static EvaluationResult Given(Dictionary<string, (string Caption, double Bleu4, double Cider)> model,
        Dictionary<string, Dictionary<string, (string Caption, double Bleu4, double Cider)>> baselines)
    {
        static ScoreReport Report(Dictionary<string, (string Caption, double Bleu4, double Cider)> images) =>
            new(new Dictionary<Metric, double>(), images.Count,
                images.Select(i => new ImageScore(i.Key, i.Value.Bleu4, i.Value.Cider, 0)).OrderBy(s => s.ImageId, StringComparer.Ordinal).ToList(),
                new Dictionary<Metric, Interval>(), BootstrapOptions.None);
        var references = model.Keys.ToDictionary(id => id, id => (IReadOnlyList<string>)[$"reference of {id}"]);
        return new EvaluationResult(Split.Test, Report(model), baselines.ToDictionary(b => b.Key, b => Report(b.Value)),
            model.Select(i => new KeyValuePair<string, string>(i.Key, i.Value.Caption)).ToList(), references, "p.tsv",
            baselines.ToDictionary(b => b.Key, b => (IReadOnlyDictionary<string, string>)b.Value.ToDictionary(i => i.Key, i => i.Value.Caption)));
    }

    private static CaptionDataset Photos(TempFolder folder, IEnumerable<string> ids)
    {
        var png = ImageCodec.EncodePng(new RawImage(Enumerable.Repeat((byte)128, 4 * 4 * 3).ToArray(), 4, 4));
        return new CaptionDataset("photos", ids.Select(id => new CaptionedImage(id, id + ".png", folder.Bytes(id + ".png", png), Split.Test, ["a reference"])).ToList());
    }

    [Fact]
    public void AllCaptioners_ShowsEveryCaptionerOnPhotosSpreadOverTheReferencesRanks()
    {
        var merge = new Dictionary<string, (string, double, double)>
        {
            ["a"] = ("merge on a", 0.5, 2.0), ["b"] = ("merge on b", 0.25, 0.5), ["c"] = ("merge on c", 0, 1.0), ["d"] = ("merge on d", 0.125, 0),
        };
        var inject = merge.ToDictionary(i => i.Key, i => ($"inject on {i.Key}", 0.75, 1.5));
        var baselines = new Dictionary<string, Dictionary<string, (string, double, double)>>
        {
            ["most-frequent"] = merge.ToDictionary(i => i.Key, _ => ("a dog runs", 0.0, 0.06)),
            ["nearest-neighbour"] = merge.ToDictionary(i => i.Key, i => ($"neighbour of {i.Key}", 0.375, 0.25)),
        };
        var models = new List<ScoredModel> { new("merge", Given(merge, baselines)), new("par-inject", Given(inject, baselines)) };
        using var folder = new TempFolder();
        var gallery = EvaluationFigures.AllCaptioners(models, Photos(folder, merge.Keys), "merge", count: 3);

        // merge's CIDEr-D ranks a (2.0), c (1.0), b (0.5), d (0): three photos at ranks 0, 3/2 rounded down and 3.
        Assert.Equal(["a", "c", "d"], gallery.Images.Select(i => i.ImageId));
        Assert.All(gallery.Images, i => Assert.NotNull(i.Png));
        Assert.Equal(["reference of c"], gallery.Images[1].References);
        Assert.Equal(
            [("merge", "merge on c", 0.0, 1.0, false), ("par-inject", "inject on c", 0.75, 1.5, false),
             ("most-frequent", "a dog runs", 0.0, 0.06, true), ("nearest-neighbour", "neighbour of c", 0.375, 0.25, true)],
            gallery.Images[1].Lines.Select(l => (l.Captioner, l.Caption, l.Bleu4!.Value, l.Cider!.Value, l.IsBaseline)));
        // Shown x100 with one decimal, as the tables; baselines marked apart.
        var text = gallery.ToString().Split('\n');
        Assert.EndsWith("(scores x100)", text[0]);
        Assert.Equal("a", text[1]);
        Assert.Equal("  merge                        BLEU-4  50.0  CIDEr-D 200.0  merge on a", text[2]);
        Assert.Equal("  baseline: most-frequent      BLEU-4   0.0  CIDEr-D   6.0  a dog runs", text[4]);
        Assert.Equal("  baseline: nearest-neighbour  BLEU-4  37.5  CIDEr-D  25.0  neighbour of a", text[5]);
        var html = gallery.ToHtml();
        Assert.Equal(6, html.Split("<tr class=\"baseline\" style=\"font-style:italic;color:#6b7280\">").Length - 1);
        Assert.Contains("<th style=\"text-align:left;white-space:nowrap\">par-inject</th><td>inject on d</td><td style=\"text-align:right\">75.0</td><td style=\"text-align:right\">150.0</td>", html);
        Assert.Contains("x100 as in the tables", html);
    }

    [Fact]
    public void AllCaptioners_WithOnePhotoTakesTheMedianRankAndNamesAMissingReference()
    {
        var scores = new Dictionary<string, (string, double, double)> { ["a"] = ("x", 0, 3), ["b"] = ("y", 0, 2), ["c"] = ("z", 0, 1) };
        var models = new List<ScoredModel> { new("merge", Given(scores, new() { ["most-frequent"] = scores })) };
        using var folder = new TempFolder();
        var dataset = Photos(folder, scores.Keys);
        Assert.Equal(["b"], EvaluationFigures.AllCaptioners(models, dataset, "merge", count: 1).Images.Select(i => i.ImageId));
        Assert.Equal(["a", "b", "c"], EvaluationFigures.AllCaptioners(models, dataset, "merge", count: 10).Images.Select(i => i.ImageId));
        var error = Assert.Throws<CaptioningException>(() => EvaluationFigures.AllCaptioners(models, dataset, "inject"));
        Assert.Equal("no evaluated model named 'inject'; evaluated: merge", error.Message);
    }

    [Fact]
    public void BestOrWorst_ShowsScoresX100()
    {
        var scores = new Dictionary<string, (string, double, double)> { ["a"] = ("a dog", 0.5, 2.0), ["b"] = ("a cat", 0.25, 0.5) };
        using var folder = new TempFolder();
        var gallery = EvaluationFigures.BestOrWorst(new ScoredModel("merge", Given(scores, [])), Photos(folder, scores.Keys), count: 2, best: false);
        Assert.Equal("merge: the 2 worst test captions by CIDEr-D (scores x100)\nb: a cat  BLEU-4 25.0  CIDEr-D 50.0\na: a dog  BLEU-4 50.0  CIDEr-D 200.0",
            gallery.ToString());
        Assert.Contains("BLEU-4 <b>25.0</b> CIDEr-D <b>50.0</b>", gallery.ToHtml());
    }
}
