using System.Text.Json;
using Captioning.Evaluation;
using Xunit;

namespace Captioning.Tests.Evaluation;

/// <summary>NLTK BLEU against Debian's python3-nltk corpus_bleu on generated corpora.</summary>
public sealed class NltkOracleTests
{
    private const string Script = """
        import json, sys, warnings
        from nltk.translate.bleu_score import corpus_bleu
        warnings.simplefilter("ignore")
        data = json.load(open(sys.argv[1], encoding="utf-8"))
        weights = [(1.0, 0, 0, 0), (0.5, 0.5, 0, 0), (0.3, 0.3, 0.3, 0), (0.25, 0.25, 0.25, 0.25)]
        print(json.dumps([float(corpus_bleu(data["references"], data["candidates"], weights=w)) for w in weights]))
        """;

    private static readonly string[] Vocabulary =
    [
        "dog", "cat", "runs", "jumps", "on", "the", "grass", "ball", "red", "blue", "man", "woman",
        "child", "plays", "water", "beach", "street", "sits", "near", "two", "black", "white", "in", "with",
    ];

    [Theory]
    [Trait("Category", "Oracle")]
    [InlineData(1, 300, 24)]   // a realistic corpus: every order has matches
    [InlineData(2, 300, 6)]    // a tiny vocabulary: many repeated words, heavy clipping
    [InlineData(3, 12, 24)]    // a small corpus where higher orders may have no match at all
    [InlineData(4, 3, 24)]     // three images
    public void Score_MatchesNltkCorpusBleu(int seed, int images, int vocabulary)
    {
        var random = new Random(seed);
        string[] Sentence(int maxLength)
        {
            var length = random.Next(maxLength + 1);
            return Enumerable.Range(0, length).Select(_ => Vocabulary[random.Next(vocabulary)]).ToArray();
        }
        var references = new List<IReadOnlyList<string[]>>();
        var candidates = new List<string[]>();
        for (var i = 0; i < images; i++)
        {
            // Lengths 0..12 include empty and one-word captions on both sides.
            references.Add(Enumerable.Range(0, 1 + random.Next(5)).Select(_ => Sentence(12)).ToArray());
            candidates.Add(Sentence(12));
        }

        var expected = RunNltk(references, candidates);
        var actual = NltkBleu.Score(references, candidates);
        for (var k = 0; k < 4; k++) Assert.Equal(expected[k], actual[k], 1e-12);
    }

    [Fact]
    [Trait("Category", "Oracle")]
    public void Score_MatchesNltkWhenNoUnigramMatches()
    {
        IReadOnlyList<string[]>[] references = [[["dog", "runs"]], [["cat"]]];
        string[][] candidates = [["bird"], []];
        Assert.Equal(RunNltk(references, candidates), NltkBleu.Score(references, candidates));
    }

    private static double[] RunNltk(IReadOnlyList<IReadOnlyList<string[]>> references, IReadOnlyList<string[]> candidates)
    {
        var directory = Directory.CreateTempSubdirectory("nltk-oracle-");
        try
        {
            var data = Path.Combine(directory.FullName, "corpus.json");
            var script = Path.Combine(directory.FullName, "oracle.py");
            File.WriteAllText(data, JsonSerializer.Serialize(new { references, candidates }));
            File.WriteAllText(script, Script);
            return JsonSerializer.Deserialize<double[]>(PythonOracle.Run([script, data]))!;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
