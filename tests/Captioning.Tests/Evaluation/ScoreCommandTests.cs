using System.Text.Json;
using Captioning.Cli;
using Xunit;

namespace Captioning.Tests.Evaluation;

public sealed class ScoreCommandTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("score-command-");

    public void Dispose() => _directory.Delete(recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Code, string Out, string Err) Run(params string[] args) => Captioning.Tests.Cli.CliRunner.Run(args);

    private string References() => Write("refs.txt",
        "1000_ab.jpg#0\tA dog runs .\n1000_ab.jpg#1\tThe dog is running fast\n" +
        "2000_cd.jpg#0\tA cat sleeps .\n2000_cd.jpg#1\tThe cat is asleep\n" +
        "3000_ef.jpg#0\tTwo children play .\n");

    [Fact]
    public void Score_JsonPrintsOneObjectWithExactValues()
    {
        // After cleaning ("a" dropped, markers stripped) each prediction equals its first reference.
        // Image 3 is outside the split. NLTK: every p_n with matches is 1 and c = r (closest length),
        // p_3, p_4: "dog runs" and "cat sleeps" have no trigram, so BLEU-1 = BLEU-2 = 1.
        var predictions = Write("pred.tsv", "1000_ab.jpg\tstartseq dog runs endseq\n2000_cd.jpg\t<start> cat sleeps <end>\n3000_ef.jpg\tchildren\n");
        var split = Write("split.txt", "1000_ab.jpg\n2000_cd.jpg\n");
        var (code, output, error) = Run("score", "--references", References(), "--predictions", predictions, "--split", split, "--json", "--bootstrap", "100");

        Assert.Equal(0, code);
        Assert.Contains("skipped 1 prediction(s)", error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("images").GetInt32());
        Assert.Equal(1.0, root.GetProperty("nltk").GetProperty("BLEU-1").GetDouble());
        Assert.Equal(1.0, root.GetProperty("nltk").GetProperty("BLEU-2").GetDouble());
        Assert.Equal(1.0, root.GetProperty("coco").GetProperty("ROUGE_L").GetDouble(), 1e-15);
        // CIDEr-D over the 2 split images (ln N = ln 2). "the" and "is" occur in both images'
        // references (weight 0); every other n-gram in one (weight ln 2). Image 1: reference "dog runs"
        // gives cosines 1, 1, 0, 0; "the dog is running fast" only order 1: dog / (sqrt 2 * sqrt 3), with
        // bigram counts 1 vs 4, penalty exp(-9/72). Image 2: "cat sleeps" 1, 1; "the cat is asleep"
        // order 1: 1 / (sqrt 2 * sqrt 2), penalty exp(-4/72). Each: sum / 4 orders / 2 references * 10.
        var image1 = (2 + Math.Exp(-9.0 / 72) / Math.Sqrt(6)) / 4 / 2 * 10;
        var image2 = (2 + 0.5 * Math.Exp(-4.0 / 72)) / 4 / 2 * 10;
        Assert.Equal((image1 + image2) / 2, root.GetProperty("coco").GetProperty("CIDEr").GetDouble(), 1e-12);
        Assert.Equal(3.020786, root.GetProperty("coco").GetProperty("CIDEr").GetDouble(), 1e-6);
        Assert.Equal(0.9999999996, root.GetProperty("coco").GetProperty("Bleu_1").GetDouble(), 1e-9);
        Assert.Equal(100, root.GetProperty("bootstrap").GetProperty("resamples").GetInt32());
        Assert.True(root.GetProperty("intervals").GetProperty("coco").GetProperty("CIDEr").TryGetProperty("lower", out _));
        Assert.Equal(output, Run("score", "--references", References(), "--predictions", predictions, "--split", split, "--json", "--bootstrap", "100").Out);
    }

    [Fact]
    public void Score_TablePrintsTheZeroToHundredScale()
    {
        var predictions = Write("pred.tsv", "1000_ab\tdog runs\n2000_cd\t\n");
        var (code, output, _) = Run("score", "--references", References(), "--predictions", predictions, "--bootstrap", "0");
        Assert.Equal(0, code);
        Assert.Contains("images scored: 2", output);
        // Image 1 "dog runs" matches 2 of 2 unigrams, image 2 is empty. c = 2; r = 2 + 2 (the closest
        // reference lengths: "dog runs" and, for the empty caption, "cat sleeps"): BP = exp(1 - 4/2) = e^-1.
        // coco-caption: 2 / 2 unigrams -> 36.79. NLTK adds max(1, 0) = 1 for the empty caption: 2 / 3 -> 24.53.
        Assert.Matches(@"coco Bleu_1 +36\.79\n", output);
        Assert.Matches(@"nltk BLEU-1 +24\.53\n", output);
    }

    [Fact]
    public void Score_CompareReportsThePairedDifference()
    {
        var good = Write("good.tsv", "1000_ab\tdog runs\n2000_cd\tcat sleeps\n3000_ef\ttwo children play\n");
        var poor = Write("poor.tsv", "1000_ab\tcat\n2000_cd\t\n3000_ef\tdog\n");
        var (code, output, _) = Run("score", "--references", References(), "--predictions", good, "--compare", poor, "--json", "--bootstrap", "200", "--seed", "5");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var bleu1 = json.RootElement.GetProperty("comparison").GetProperty("nltk").GetProperty("BLEU-1");
        Assert.Equal(1.0, bleu1.GetProperty("difference").GetDouble());
        Assert.Equal(1.0, bleu1.GetProperty("fraction_a_greater").GetDouble());
    }

    [Fact]
    public void Score_CompareExitsWithOneWhenTheImagesDiffer()
    {
        var good = Write("good.tsv", "1000_ab\tdog runs\n2000_cd\tcat sleeps\n");
        var poor = Write("poor.tsv", "1000_ab\tcat\n");
        var (code, _, error) = Run("score", "--references", References(), "--predictions", good, "--compare", poor);
        Assert.Equal(1, code);
        Assert.Contains($"--compare needs {good} and {poor} to caption the same images; 1 image(s) are in only one of them: 2000_cd", error);
    }

    [Fact]
    public void Score_ExitsWithOneAndNamesTheUnknownImage()
    {
        var predictions = Write("pred.tsv", "1000_ab\tdog runs\n9999_zz\tcat\n");
        var (code, _, error) = Run("score", "--references", References(), "--predictions", predictions, "--json");
        Assert.Equal(1, code);
        Assert.Contains("9999_zz", error);
    }

    [Fact]
    public void Score_ExitsWithOneForAMissingFile()
    {
        var (code, _, error) = Run("score", "--references", References(), "--predictions", Path.Combine(_directory.FullName, "none.tsv"));
        Assert.Equal(1, code);
        Assert.Contains("--predictions '" + Path.Combine(_directory.FullName, "none.tsv") + "' does not exist", error);
    }
}
