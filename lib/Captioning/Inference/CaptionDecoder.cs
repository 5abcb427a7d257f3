using Captioning.Models;
using Captioning.Torch;

namespace Captioning.Inference;

/// <summary>
/// Greedy and beam-search decoding, batched across images, feeding one token per step into the
/// model's cached LSTM state (prefixes are never re-run).
/// </summary>
public static class CaptionDecoder
{
    /// <summary>Decodes one caption per row of <paramref name="features"/> (N, D); the model runs in eval mode without gradients.</summary>
    public static IReadOnlyList<DecodedCaption> Decode(CaptionModel model, Tensor features, DecodeOptions options, SpecialTokenIds? ids = null)
    {
        ids ??= new SpecialTokenIds();
        options.Validate(model.Options.VocabularySize);
        var wasTraining = model.Training;
        model.Eval();
        try
        {
            using var noGrad = NoGradScope.Enter();
            var results = new List<DecodedCaption>();
            var n = features.Size(0);
            for (long start = 0; start < n; start += options.BatchSize)
            {
                using var scope = DisposeScope.Enter();
                var chunk = features.Narrow(0, start, Math.Min(options.BatchSize, n - start));
                results.AddRange(options.BeamSize == 1 ? Greedy(model, chunk, options, ids) : Beam(model, chunk, options, ids));
            }
            return results;
        }
        finally
        {
            model.Train(wasTraining);
        }
    }

    private static List<DecodedCaption> Greedy(CaptionModel model, Tensor features, DecodeOptions options, SpecialTokenIds ids)
    {
        var batch = (int)features.Size(0);
        var tokens = new List<long>[batch];
        var logProb = new double[batch];
        var finished = new bool[batch];
        for (var i = 0; i < batch; i++) tokens[i] = new List<long>();
        var state = model.Start(features);
        var current = Tensor.Full([batch], ids.Start, DType.Int64, features.Device);
        for (var t = 0; t < options.MaxLength + 1 && !finished.All(f => f); t++)
        {
            using var scope = DisposeScope.Enter();
            var (logits, next) = model.Step(current, state);
            var logp = MaskEnd(logits.LogSoftmax(-1), t, options, ids, forceEnd: t == options.MaxLength); // (B, V)
            var (best, index) = logp.Max(1);
            var chosen = index.ToArray<long>();
            var scores = best.ToDoubleArray();
            for (var i = 0; i < batch; i++)
            {
                if (finished[i]) continue;
                logProb[i] += scores[i];
                if (chosen[i] == ids.End) finished[i] = true;
                else tokens[i].Add(chosen[i]);
            }
            for (var i = 0; i < batch; i++) if (finished[i]) chosen[i] = ids.Pad;
            state = next.MoveToOuterScope();
            current = Tensor.From(chosen).MoveToOuterScope();
        }
        return Enumerable.Range(0, batch).Select(i => new DecodedCaption(tokens[i].ToArray(), logProb[i], finished[i])).ToList();
    }

    // Forbids <end> before the minimum length; at the step after MaxLength words only <end> is allowed.
    private static Tensor MaskEnd(Tensor logp, int step, DecodeOptions options, SpecialTokenIds ids, bool forceEnd)
    {
        if (step < options.MinLength)
        {
            using var endColumn = logp.Narrow(1, ids.End, 1);
            endColumn.Fill_(double.NegativeInfinity);
        }
        if (forceEnd)
        {
            // The caption has MaxLength words: score what ending it now costs, and nothing else.
            var vocab = logp.Size(1);
            using var keep = Tensor.Arange(0, vocab, device: logp.Device).Ne(ids.End);
            return logp.MaskedFill(keep, double.NegativeInfinity);
        }
        return logp;
    }

    /// <summary>The beam-search path even for k = 1 (tests compare it with greedy decoding).</summary>
    internal static IReadOnlyList<DecodedCaption> DecodeBeam(CaptionModel model, Tensor features, DecodeOptions options, SpecialTokenIds ids)
    {
        model.Eval();
        using var noGrad = NoGradScope.Enter();
        using var scope = DisposeScope.Enter();
        return Beam(model, features, options, ids);
    }

    private static List<DecodedCaption> Beam(CaptionModel model, Tensor features, DecodeOptions options, SpecialTokenIds ids)
    {
        var batch = (int)features.Size(0);
        var k = options.BeamSize;
        var rows = batch * k;
        var vocab = model.Options.VocabularySize;
        var sequences = Enumerable.Range(0, rows).Select(_ => Array.Empty<long>()).ToArray();
        var finished = new bool[rows];

        var repeat = Tensor.From(Enumerable.Range(0, rows).Select(r => (long)(r / k)).ToArray());
        DecoderState state;
        using (var initial = model.Start(features)) state = initial.Select(repeat); // (L, B*k, H)
        // Only the first beam of each image is live at the start, so the first step's top k are distinct words.
        var scores = Tensor.From(Enumerable.Range(0, rows).Select(r => r % k == 0 ? 0f : float.NegativeInfinity).ToArray()); // (B*k)
        var current = Tensor.Full([rows], ids.Start, DType.Int64, features.Device);
        // Row added to a finished hypothesis: it stays as it is (pad costs nothing, every other token is impossible).
        var finishedRow = Tensor.Full([1, vocab], double.NegativeInfinity);
        using (var padCell = finishedRow.Narrow(1, ids.Pad, 1)) padCell.Fill_(0);

        for (var t = 0; t < options.MaxLength + 1 && !finished.All(f => f); t++)
        {
            using var scope = DisposeScope.Enter();
            var (logits, next) = model.Step(current, state);
            var logp = MaskEnd(logits.LogSoftmax(-1), t, options, ids, forceEnd: t == options.MaxLength); // (B*k, V)
            if (finished.Any(f => f))
            {
                var done = Tensor.From(finished).Unsqueeze(1); // (B*k, 1)
                logp = Tensor.Where(done, finishedRow, logp);
            }
            var total = (scores.Unsqueeze(1) + logp).Reshape(batch, k * vocab); // (B, k*V)
            var (best, flat) = total.TopK(k, 1); // (B, k)
            var flatIndex = flat.ToArray<long>();
            var source = new long[rows];
            var chosen = new long[rows];
            var nextSequences = new long[rows][];
            var nextFinished = new bool[rows];
            for (var r = 0; r < rows; r++)
            {
                var from = r / k * k + flatIndex[r] / vocab;
                var token = flatIndex[r] % vocab;
                source[r] = from;
                if (finished[from])
                {
                    nextSequences[r] = sequences[from];
                    nextFinished[r] = true;
                    chosen[r] = ids.Pad;
                }
                else
                {
                    nextFinished[r] = token == ids.End;
                    nextSequences[r] = nextFinished[r] ? sequences[from] : [.. sequences[from], token];
                    chosen[r] = nextFinished[r] ? ids.Pad : token;
                }
            }
            sequences = nextSequences;
            finished = nextFinished;
            var sourceTensor = Tensor.From(source);
            state = next.Select(sourceTensor).MoveToOuterScope();
            scores = best.Reshape(rows).MoveToOuterScope();
            current = Tensor.From(chosen).MoveToOuterScope();
        }

        var finalScores = scores.ToDoubleArray();
        var results = new List<DecodedCaption>(batch);
        for (var b = 0; b < batch; b++)
        {
            var bestRow = -1;
            var bestValue = double.NegativeInfinity;
            for (var j = 0; j < k; j++)
            {
                var r = b * k + j;
                if (double.IsNegativeInfinity(finalScores[r])) continue;
                var normalised = finalScores[r] / LengthPenalty(sequences[r].Length + (finished[r] ? 1 : 0), options.LengthPenalty);
                if (bestRow < 0 || normalised > bestValue) (bestRow, bestValue) = (r, normalised);
            }
            if (bestRow < 0) bestRow = b * k;
            results.Add(new DecodedCaption(sequences[bestRow], finalScores[bestRow], finished[bestRow]));
        }
        return results;
    }

    /// <summary>Wu et al. (2016): ((5 + length) / 6)^alpha.</summary>
    public static double LengthPenalty(int length, double alpha) => alpha == 0 ? 1 : Math.Pow((5.0 + length) / 6.0, alpha);
}
