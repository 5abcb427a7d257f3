using Captioning.Inference;
using Captioning.Models;
using Captioning.Tests.Models;
using Captioning.Torch;
using Xunit;

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
        using var scope = DisposeScope.Enter();
        var features = Tensor.Randn([7, 10]) * 3;
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
        using var scope = DisposeScope.Enter();
        var features = Tensor.Randn([5, 10]) * 3;
        var options = new DecodeOptions(BeamSize: k, MaxLength: 6, MinLength: minLength, LengthPenalty: alpha, BatchSize: 2);
        var batched = CaptionDecoder.Decode(model, features, options);
        model.Eval();
        for (var i = 0; i < 5; i++)
        {
            var expected = ReferenceBeam(model, features.Narrow(0, i, 1), options);
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
                using var scope = DisposeScope.Enter();
                var prefix = Tensor.From(new[] { Ids.Start }.Concat(beam.Seq).ToArray(), 1, beam.Seq.Count + 1);
                var logp = model.Forward(feature, prefix).Select(1, beam.Seq.Count).Squeeze(0).LogSoftmax(-1).ToDoubleArray();
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
        var best = beams.OrderByDescending(b => b.Score / CaptionDecoder.LengthPenalty(b.Seq.Count + (b.Done ? 1 : 0), o.LengthPenalty)).First();
        return new DecodedCaption(best.Seq.ToArray(), best.Score, best.Done);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void NoEndEverEmitted_ReturnsMaxLengthCaptionWithoutCrashing(int k)
    {
        using var model = CaptionModelTests.Small("merge");
        // Make <end> unreachable before the length limit by giving it a hugely negative output bias.
        var bias = model.NamedParameters().First(p => p.Name == "output.bias").Parameter;
        using (var endBias = bias.Narrow(0, Ids.End, 1)) endBias.Fill_(-1e4);
        using var scope = DisposeScope.Enter();
        var results = CaptionDecoder.Decode(model, Tensor.Randn([4, 10]), new DecodeOptions(BeamSize: k, MaxLength: 5));
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
        var bias = model.NamedParameters().First(p => p.Name == "output.bias").Parameter;
        using (var endBias = bias.Narrow(0, Ids.End, 1)) endBias.Fill_(50); // <end> wins whenever allowed
        using var scope = DisposeScope.Enter();
        var results = CaptionDecoder.Decode(model, Tensor.Randn([3, 10]), new DecodeOptions(BeamSize: 2, MaxLength: 9, MinLength: 4));
        Assert.All(results, r => { Assert.Equal(4, r.Tokens.Length); Assert.True(r.Finished); });
        var greedy = CaptionDecoder.Decode(model, Tensor.Randn([3, 10]), new DecodeOptions(MaxLength: 9));
        Assert.All(greedy, r => Assert.Empty(r.Tokens));
    }

    [Fact]
    public void Decode_RestoresTrainingModeAndValidatesOptions()
    {
        using var model = CaptionModelTests.Small("par-inject");
        using var scope = DisposeScope.Enter();
        CaptionDecoder.Decode(model, Tensor.Randn([1, 10]), DecodeOptions.Greedy);
        Assert.True(model.Training);
        var e = Assert.Throws<CaptioningException>(() => CaptionDecoder.Decode(model, Tensor.Randn([1, 10]), new DecodeOptions(BeamSize: 20)));
        Assert.Contains("--beam 20 exceeds the vocabulary size 12", e.Message);
    }
}
