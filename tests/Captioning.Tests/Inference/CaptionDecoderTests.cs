using Captioning.Inference;
using Captioning.Models;
using Captioning.Tests.Models;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Inference;

public sealed class CaptionDecoderTests : NativeLeakGuard
{
    private static readonly SpecialTokenIds Ids = new();

    [Theory]
    [InlineData("merge")]
    [InlineData("init-inject")]
    [InlineData("pre-inject")]
    [InlineData("par-inject")]
    public void Greedy_EqualsBeamOfOne(string name)
    {
        using var model = CaptionModelTests.Small(name, 2);
        using var scope = NewDisposeScope();
        var features = randn(7, 10) * 3;
        var greedy = CaptionDecoder.Decode(model, features, new DecodeOptions(BeamSize: 1, MaxLength: 8, BatchSize: 3));
        var beam = BeamOfOne(model, features);
        Assert.Equal(7, greedy.Count);
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(greedy[i].Tokens, beam[i].Tokens);
            Assert.Equal(greedy[i].Finished, beam[i].Finished);
            Assert.Equal(greedy[i].LogProbability, beam[i].LogProbability, 4);
        }
    }

    // Beam search proper with k = 1 (the batched beam path), forced through the beam code.
    private static IReadOnlyList<DecodedCaption> BeamOfOne(CaptionModel model, Tensor features) =>
        CaptionDecoder.DecodeBeam(model, features, new DecodeOptions(BeamSize: 1, MaxLength: 8, BatchSize: 4), Ids);

    [Theory]
    [InlineData("merge", 3, 0.0, 0)]
    [InlineData("pre-inject", 3, 0.0, 2)]
    [InlineData("par-inject", 4, 0.7, 0)]
    [InlineData("init-inject", 2, 1.0, 1)]
    public void Beam_MatchesReferenceSearchThatRerunsPrefixes(string name, int k, double alpha, int minLength)
    {
        using var model = CaptionModelTests.Small(name, 2);
        using var scope = NewDisposeScope();
        var features = randn(5, 10) * 3;
        var options = new DecodeOptions(BeamSize: k, MaxLength: 6, MinLength: minLength, LengthPenalty: alpha, BatchSize: 2);
        var batched = CaptionDecoder.Decode(model, features, options);
        model.eval();
        for (var i = 0; i < 5; i++)
        {
            var expected = ReferenceBeam(model, features.narrow(0, i, 1), options);
            Assert.Equal(expected.Tokens, batched[i].Tokens);
            Assert.Equal(expected.Finished, batched[i].Finished);
            Assert.Equal(expected.LogProbability, batched[i].LogProbability, 3);
        }
    }

    // A deliberately naive beam search: every hypothesis re-runs its whole prefix through the
    // teacher-forced Forward pass (no cached state), one image at a time.
    private static DecodedCaption ReferenceBeam(CaptionModel model, Tensor feature, DecodeOptions o)
    {
        var beams = new List<(List<long> Seq, double Score, bool Done)> { (new List<long>(), 0, false) };
        for (var t = 0; t <= o.MaxLength && beams.Any(b => !b.Done); t++)
        {
            var candidates = new List<(List<long> Seq, double Score, bool Done)>();
            foreach (var beam in beams)
            {
                if (beam.Done) { candidates.Add(beam); continue; }
                using var scope = NewDisposeScope();
                var prefix = tensor(new[] { Ids.Start }.Concat(beam.Seq).ToArray(), 1, beam.Seq.Count + 1); // (1, t + 1)
                var logp = model.Forward(feature, prefix).select(1, beam.Seq.Count).squeeze(0).log_softmax(-1).to(ScalarType.Float64).data<double>().ToArray(); // (V)
                for (var w = 0; w < logp.Length; w++)
                {
                    if (w == Ids.End && t < o.MinLength) continue;
                    if (t == o.MaxLength && w != Ids.End) continue;
                    var seq = w == Ids.End ? beam.Seq : new List<long>(beam.Seq) { w };
                    candidates.Add((seq, beam.Score + logp[w], w == Ids.End));
                }
            }
            beams = candidates.OrderByDescending(c => c.Score).Take(o.BeamSize).ToList();
        }
        // Wu et al. (2016): score / ((5 + |Y|) / 6)^alpha, |Y| counting the words and the <end> of a finished caption.
        var best = beams.OrderByDescending(b => b.Score / Math.Pow((5.0 + b.Seq.Count + (b.Done ? 1 : 0)) / 6.0, o.LengthPenalty)).First();
        return new DecodedCaption(best.Seq.ToArray(), best.Score, best.Done);
    }

    // Wu et al. (2016), eq. 14: lp(Y) = (5 + |Y|)^alpha / (5 + 1)^alpha. Our |Y| (the length argument) counts
    // the caption's words plus its <end> token when it finished; <start> is not counted.
    [Theory]
    [InlineData(1, 0.0, 1.0)]
    [InlineData(4, 0.0, 1.0)]
    [InlineData(20, 0.0, 1.0)]
    [InlineData(1, 1.0, 1.0)] // 6 / 6
    [InlineData(4, 1.0, 1.5)] // 9 / 6
    [InlineData(7, 1.0, 2.0)] // 12 / 6
    [InlineData(13, 1.0, 3.0)] // 18 / 6
    [InlineData(1, 0.6, 1.0)] // 1^0.6
    [InlineData(4, 0.6, 1.2754245006)] // 1.5^0.6 = e^(0.6 ln 1.5) = e^0.2432791
    [InlineData(7, 0.6, 1.5157165665)] // 2^0.6 = e^(0.6 ln 2) = e^0.4158883
    [InlineData(13, 0.6, 1.9331820449)] // 3^0.6 = e^(0.6 ln 3) = e^0.6591674
    [InlineData(19, 0.5, 2.0)] // (24 / 6)^0.5
    public void LengthPenalty_IsWuEtAlFormula(int length, double alpha, double expected) =>
        Assert.Equal(expected, CaptionDecoder.LengthPenalty(length, alpha), 1e-9);

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.2, false)]
    [InlineData(0.3, true)]
    [InlineData(0.6, true)]
    [InlineData(1.0, true)]
    public void Beam_LengthPenaltyDecidesBetweenEndingAtOnceAndThreeWords(double alpha, bool longWins)
    {
        // A model whose every step predicts the same distribution: word 5 with p 0.9, <end> with p 0.05, the
        // ten other ids 0.005 each (output weights zero, output bias = ln p). Beam 2, at most 3 words. By hand:
        // step 0 keeps [5] (ln 0.9) and the empty caption ended at once (ln 0.05 = -2.9957323); steps 1-2 keep
        // [5 5], [5 5 5] (k ln 0.9) over any other continuation, and the empty caption (a finished beam costs
        // nothing more); step 3 forces <end>: [5 5 5] scores 3 ln 0.9 + ln 0.05 = -3.3118138 with |Y| = 4.
        // Normalised: empty -2.9957323 / 1 against -3.3118138 / 1.5^alpha, so [5 5 5] wins once alpha > 0.2474.
        using var model = CaptionModelTests.Small("merge");
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var p = Enumerable.Repeat(0.005, 12).ToArray();
        (p[5], p[Ids.End]) = (0.9, 0.05);
        using (no_grad())
        using (var logP = tensor(p.Select(x => Math.Log(x)).ToArray(), ScalarType.Float32))
        {
            parameters["output.weight"].fill_(0);
            parameters["output.bias"].copy_(logP);
        }
        using var scope = NewDisposeScope();
        var result = CaptionDecoder.Decode(model, randn(1, 10), new DecodeOptions(BeamSize: 2, MaxLength: 3, LengthPenalty: alpha))[0];
        Assert.True(result.Finished);
        Assert.Equal(longWins ? [5L, 5L, 5L] : [], result.Tokens);
        Assert.Equal(longWins ? -3.3118138 : -2.9957323, result.LogProbability, 1e-4);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void NoEndEverEmitted_ReturnsMaxLengthCaptionWithoutCrashing(int k)
    {
        using var model = CaptionModelTests.Small("merge");
        // Make <end> unreachable before the length limit by giving it a hugely negative output bias.
        var bias = model.named_parameters().First(p => p.name == "output.bias").parameter;
        using (no_grad())
        using (var endBias = bias.narrow(0, Ids.End, 1)) endBias.fill_(-1e4);
        using var scope = NewDisposeScope();
        var results = CaptionDecoder.Decode(model, randn(4, 10), new DecodeOptions(BeamSize: k, MaxLength: 5));
        Assert.All(results, r =>
        {
            Assert.Equal(5, r.Tokens.Length);
            Assert.True(r.Finished); // ended by the limit: the forced <end> after 5 words
            Assert.DoesNotContain(Ids.End, r.Tokens);
            Assert.True(r.LogProbability < -1000);
        });
    }

    [Fact]
    public void MinLength_ForbidsEarlyEnd()
    {
        using var model = CaptionModelTests.Small("merge");
        var bias = model.named_parameters().First(p => p.name == "output.bias").parameter;
        using (no_grad())
        using (var endBias = bias.narrow(0, Ids.End, 1)) endBias.fill_(50); // <end> wins whenever allowed
        using var scope = NewDisposeScope();
        var results = CaptionDecoder.Decode(model, randn(3, 10), new DecodeOptions(BeamSize: 2, MaxLength: 9, MinLength: 4));
        Assert.All(results, r => { Assert.Equal(4, r.Tokens.Length); Assert.True(r.Finished); });
        var greedy = CaptionDecoder.Decode(model, randn(3, 10), new DecodeOptions(MaxLength: 9));
        Assert.All(greedy, r => Assert.Empty(r.Tokens));
    }

    [Fact]
    public void Decode_RestoresTrainingModeAndValidatesOptions()
    {
        using var model = CaptionModelTests.Small("par-inject");
        using var scope = NewDisposeScope();
        CaptionDecoder.Decode(model, randn(1, 10), DecodeOptions.Greedy);
        Assert.True(model.training);
        var e = Assert.Throws<CaptioningException>(() => CaptionDecoder.Decode(model, randn(1, 10), new DecodeOptions(BeamSize: 20)));
        Assert.Contains("--beam 20 exceeds the vocabulary size 12", e.Message);
    }
}
