using System.Text.Json;
using Captioning.Evaluation;
using Xunit;

namespace Captioning.Tests.Evaluation;

public sealed class BleuWorkedExampleTests
{
    private static readonly string[][] References = [Words("a dog runs on the grass"), Words("the dog is running")];

    [Fact]
    public void Of_WorksThroughAHandCountedCaption()
    {
        // the/dog/runs/on/grass all occur in a reference; bigrams: the dog, dog runs, runs on match,
        // "on grass" does not; trigrams: only "dog runs on"; no 4-gram. References of 6 and 4 words are
        // equally close to 5: the shorter (4) counts, so there is no brevity penalty.
        var example = BleuWorkedExample.Of(References, Words("the dog runs on grass"));

        Assert.Equal([(1, 5, 5), (2, 3, 4), (3, 1, 3), (4, 0, 2)], example.Orders.Select(o => (o.N, o.Clipped, o.Total)));
        Assert.Equal((5, 4), (example.CandidateLength, example.ReferenceLength));
        Assert.Equal(1.0, example.BrevityPenalty);
        Assert.Equal(1.0, example.Bleu[0], 12);
        Assert.Equal(Math.Sqrt(0.75), example.Bleu[1], 12);
        Assert.Equal(Math.Cbrt(0.25), example.Bleu[2], 12);
        Assert.Equal(0.0, example.Bleu[3]);
    }

    [Fact]
    public void Of_PenalisesAShortCandidate()
    {
        // "a dog": 2 words, closest reference 4 words: BP = exp(1 - 4/2) = e^-1; it has no trigram at all.
        var example = BleuWorkedExample.Of(References, Words("a dog"));

        Assert.Equal(Math.Exp(-1), example.BrevityPenalty, 12);
        Assert.Equal([1.0, 1.0, 0.0, 0.0], example.Orders.Select(o => o.Precision));
        Assert.Equal([Math.Exp(-1), Math.Exp(-1), 0.0, 0.0], example.Bleu, (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void Of_ClipsARepeatedWordAtItsReferenceCount()
    {
        // "the the the": each reference holds "the" once, so only one of the three counts.
        var example = BleuWorkedExample.Of(References, Words("the the the"));

        Assert.Equal((1, 3), (example.Orders[0].Clipped, example.Orders[0].Total));
    }

    [Fact]
    public void Of_EqualsCocoBleuOnThatOneImage()
    {
        var candidate = Words("the dog runs on grass");
        var coco = CocoBleu.Score([References], [candidate]);
        var example = BleuWorkedExample.Of(References, candidate);

        for (var n = 0; n < 3; n++) Assert.Equal(coco[n], example.Bleu[n], 9);
        Assert.True(coco[3] < 1e-3, $"coco's BLEU-4 without a 4-gram match is only its tiny constant, got {coco[3]}");
    }

    [Fact]
    public void Of_TokenisesRawCaptionsAsTheScorerDoes()
    {
        // Markers dropped, lower-cased, punctuation and one-letter words ("A") removed.
        var example = BleuWorkedExample.Of(["A dog runs on the grass.", "The dog is running!"], "<start> The dog runs on grass. <end>");

        Assert.Equal(Words("the dog runs on grass"), example.Candidate);
        Assert.Equal([Words("dog runs on the grass"), Words("the dog is running")], example.References);
    }

    [Fact]
    public void ToString_ShowsEachStep()
    {
        var text = BleuWorkedExample.Of(References, Words("a dog")).ToString();

        Assert.Contains("p1 = 2/2 = 1.000", text, StringComparison.Ordinal);
        Assert.Contains("p3 = 0/0 = 0.000", text, StringComparison.Ordinal);
        Assert.Contains("c = 2, r = 4, BP = exp(1 - 4/2) = 0.368", text, StringComparison.Ordinal);
        Assert.Contains("BLEU-2 = BP · (1.000 · 1.000)^(1/2) = 0.368", text, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Oracle")]
    public void Of_EqualsNltkSentenceBleuWhereEveryOrderMatches()
    {
        const string script = """
            import json, sys, warnings
            from nltk.translate.bleu_score import sentence_bleu
            warnings.simplefilter("ignore")
            cases = json.loads(sys.argv[1])
            print(json.dumps([[float(sentence_bleu(c["references"], c["candidate"], weights=tuple([1.0 / n] * n))) for n in (1, 2, 3, 4)] for c in cases]))
            """;
        var random = new Random(5);
        string[] vocabulary = ["a", "dog", "cat", "runs", "on", "the", "grass", "red", "ball", "in"];
        var cases = new List<(string[][] References, string[] Candidate)>();
        while (cases.Count < 20)
        {
            var reference = Enumerable.Range(0, 6 + random.Next(6)).Select(_ => vocabulary[random.Next(vocabulary.Length)]).ToArray();
            // The candidate copies a run of the reference, so every order has a match, and changes one word.
            var start = random.Next(reference.Length - 4);
            var candidate = reference.Skip(start).Take(4 + random.Next(reference.Length - start - 3)).ToArray();
            candidate = [.. candidate, vocabulary[random.Next(vocabulary.Length)]];
            var other = Enumerable.Range(0, 3 + random.Next(8)).Select(_ => vocabulary[random.Next(vocabulary.Length)]).ToArray();
            cases.Add(([reference, other], candidate));
        }
        var json = JsonSerializer.Serialize(cases.Select(c => new { references = c.References, candidate = c.Candidate }));
        var expected = JsonSerializer.Deserialize<double[][]>(PythonOracle.Run(["-c", script, json]))!;

        for (var i = 0; i < cases.Count; i++)
        {
            var actual = BleuWorkedExample.Of(cases[i].References, cases[i].Candidate).Bleu;
            for (var n = 0; n < 4; n++) Assert.Equal(expected[i][n], actual[n], 12);
        }
    }

    private static string[] Words(string text) => text.Split(' ');
}
