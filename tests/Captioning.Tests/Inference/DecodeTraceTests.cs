using Captioning.Data;
using Captioning.Inference;
using Captioning.Tests.Models;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Inference;

public sealed class DecodeTraceTests : NativeLeakGuard
{
    // CaptionModelTests.Small has 12 ids: the four specials and eight words.
    private static readonly Vocabulary Words = Vocabulary.Build([["a1", "b2", "c3", "d4", "e5", "f6", "g7", "h8"]]);

    [Theory]
    [InlineData("merge", 8)]
    [InlineData("par-inject", 8)]
    [InlineData("init-inject", 3)]
    public void Greedy_ChoosesTheWordsTheDecoderGives(string name, int maxLength)
    {
        using var model = CaptionModelTests.Small(name, 2);
        using var scope = NewDisposeScope();
        var features = randn(4, 10) * 3;
        var options = new DecodeOptions(MaxLength: maxLength);
        var decoded = CaptionDecoder.Decode(model, features, options);
        for (var i = 0; i < 4; i++)
        {
            var steps = DecodeTrace.Greedy(model, features[i], Words, options);
            var chosen = steps.Select(s => s.Chosen.Word).ToList();
            var expected = decoded[i].Tokens.Select(t => Words.WordOf((int)t)).ToList();
            if (decoded[i].Finished) expected.Add("<end>");
            Assert.Equal(expected, chosen);
            Assert.Equal(decoded[i].LogProbability, steps.Sum(s => Math.Log(s.Chosen.Probability)), 4);
            for (var j = 0; j < steps.Count; j++) Assert.Equal(string.Join(' ', ["<start>", .. chosen.Take(j)]), steps[j].Prefix);
        }
    }

    [Fact]
    public void Greedy_ListsTheMostLikelyWordsInOrder()
    {
        using var model = CaptionModelTests.Small("merge");
        using var scope = NewDisposeScope();
        var steps = DecodeTrace.Greedy(model, randn(10), Words, new DecodeOptions(MaxLength: 6), top: 5);

        Assert.All(steps.SkipLast(1), s => Assert.Equal(5, s.Candidates.Count));
        Assert.All(steps, s => Assert.True(s.Candidates.Zip(s.Candidates.Skip(1)).All(p => p.First.Probability >= p.Second.Probability)));
        Assert.All(steps, s => Assert.InRange(s.Candidates.Sum(c => c.Probability), 0, 1 + 1e-6));
        Assert.Equal("<start>", steps[0].Prefix);
    }

    [Fact]
    public void Greedy_ShowsTheLengthRules()
    {
        // At least one word: <end> cannot come first; at most one: after it only <end> can.
        using var model = CaptionModelTests.Small("merge");
        using var scope = NewDisposeScope();
        var steps = DecodeTrace.Greedy(model, randn(10), Words, new DecodeOptions(MaxLength: 1, MinLength: 1));

        Assert.Equal(2, steps.Count);
        Assert.DoesNotContain(steps[0].Candidates, c => c.Word == "<end>");
        Assert.Equal("<end>", Assert.Single(steps[1].Candidates).Word);
    }

    [Theory]
    [InlineData("merge", 3, 0.0)]
    [InlineData("pre-inject", 3, 0.7)]
    [InlineData("par-inject", 4, 1.0)]
    public void Beam_EndsWithTheCaptionTheDecoderGives(string name, int k, double alpha)
    {
        using var model = CaptionModelTests.Small(name, 2);
        using var scope = NewDisposeScope();
        var features = randn(5, 10) * 3;
        var options = new DecodeOptions(BeamSize: k, MaxLength: 6, LengthPenalty: alpha);
        var decoded = CaptionDecoder.Decode(model, features, options);
        for (var i = 0; i < 5; i++)
        {
            var steps = DecodeTrace.Beam(model, features[i], Words, options);
            var best = steps[^1].Kept.MaxBy(h => h.Score)!;
            var expected = string.Join(' ', decoded[i].Tokens.Select(t => Words.WordOf((int)t)).Concat(decoded[i].Finished ? ["<end>"] : []));
            Assert.Equal(expected, best.Words);
            Assert.Equal(decoded[i].LogProbability, best.LogProbability, 4);
            Assert.All(steps, s => Assert.InRange(s.Kept.Count, 1, k));
            // The first step keeps k different first words.
            Assert.Equal(k, steps[0].Kept.Select(h => h.Words).Distinct().Count());
        }
    }

    [Fact]
    public void Beam_ScoresByTheLengthPenalty()
    {
        using var model = CaptionModelTests.Small("merge");
        using var scope = NewDisposeScope();
        var steps = DecodeTrace.Beam(model, randn(10), Words, new DecodeOptions(BeamSize: 3, MaxLength: 5, LengthPenalty: 1.0));

        foreach (var h in steps[^1].Kept)
        {
            var length = h.Words.Split(' ').Length; // words, plus <end> when finished
            Assert.Equal(h.LogProbability / ((5.0 + length) / 6.0), h.Score, 10);
        }
    }

    [Fact]
    public void Greedy_RefusesMoreThanOnePhoto()
    {
        using var model = CaptionModelTests.Small("merge");
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => DecodeTrace.Greedy(model, randn(2, 10), Words));

        Assert.StartsWith("a trace decodes one photo: expected 10 feature values, got shape [2, 10]", error.Message, StringComparison.Ordinal);
    }
}
