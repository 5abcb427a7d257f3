using Captioning.Models;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Captioning.Inference;

/// <summary>
/// Greedy and beam-search decoding, batched across images, feeding one token per step into the
/// model's cached LSTM state (prefixes are never re-run). Runs on the model's device: scores, tokens and
/// finished flags stay there, and the host reads them once per batch of images, at the end.
/// </summary>
public static class CaptionDecoder
{
    /// <summary>
    /// Decodes one caption per row of <paramref name="features"/> (N, D, on any device; they are copied to the
    /// model's); the model runs in eval mode without gradients. <paramref name="cancellation"/> is looked at before each batch.
    /// </summary>
    public static IReadOnlyList<DecodedCaption> Decode(CaptionModel model, Tensor features, DecodeOptions options, SpecialTokenIds? ids = null,
        CancellationToken cancellation = default)
    {
        ids ??= new SpecialTokenIds();
        options.Validate(model.Options.VocabularySize);
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            var device = model.Device;
            var results = new List<DecodedCaption>();
            var n = features.shape[0];
            for (long start = 0; start < n; start += options.BatchSize)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var chunk = features.narrow(0, start, Math.Min(options.BatchSize, n - start)).to(device); // (b, D)
                results.AddRange(options.BeamSize == 1 ? Greedy(model, chunk, options, ids) : Beam(model, chunk, options, ids));
            }
            return results;
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>The beam-search path even for k = 1 (tests compare it with greedy decoding).</summary>
    internal static IReadOnlyList<DecodedCaption> DecodeBeam(CaptionModel model, Tensor features, DecodeOptions options, SpecialTokenIds ids)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return Beam(model, features.to(model.Device), options, ids);
    }

    // One step of the model for every row, as log-probabilities (rows, V) with the length rules applied.
    internal static (Tensor LogP, DecoderState Next) StepLogP(CaptionModel model, Tensor current, DecoderState state, int step, DecodeOptions options, SpecialTokenIds ids)
    {
        var (logits, next) = model.Step(current, state); // (rows, V)
        var logp = functional.log_softmax(logits, -1); // (rows, V)
        if (step < options.MinLength) logp.index_fill_(1, tensor(new[] { ids.End }, device: logp.device), double.NegativeInfinity);
        if (step == options.MaxLength)
        {
            // The caption has MaxLength words: score what ending it now costs, and nothing else.
            using var notEnd = arange(logp.shape[1], device: logp.device).ne(ids.End); // (V)
            logp.masked_fill_(notEnd, double.NegativeInfinity);
        }
        return (logp, next);
    }

    // Whether every row has ended: the one value read per step, so that decoding stops as soon as the last caption
    // ends instead of always running MaxLength + 1 steps (most captions end long before the limit).
    private static bool AllFinished(Tensor finished)
    {
        using var all = finished.all();
        return all.item<bool>();
    }

    private static List<DecodedCaption> Greedy(CaptionModel model, Tensor features, DecodeOptions options, SpecialTokenIds ids)
    {
        var batch = features.shape[0];
        var device = features.device;
        var state = model.Start(features);
        var current = full(batch, ids.Start, ScalarType.Int64, device); // (B)
        var finished = zeros(batch, ScalarType.Bool, device); // (B)
        var logProb = zeros(batch, ScalarType.Float64, device); // (B)
        var emitted = new List<Tensor>(); // per step (B): the word appended to each caption, or -1 for none
        for (var t = 0; t < options.MaxLength + 1 && !AllFinished(finished); t++)
        {
            using var scope = NewDisposeScope();
            var (logp, next) = StepLogP(model, current, state, t, options, ids); // (B, V)
            var (best, index) = logp.max(1); // (B), (B)
            logProb = (logProb + best.to(ScalarType.Float64).masked_fill(finished, 0)).MoveToOuterDisposeScope();
            var ended = finished.logical_or(index.eq(ids.End)); // (B)
            emitted.Add(index.masked_fill(ended, -1).MoveToOuterDisposeScope());
            finished = ended.MoveToOuterDisposeScope();
            state.Dispose();
            state = next.MoveToOuterDisposeScope();
            current = index.masked_fill(finished, ids.Pad).MoveToOuterDisposeScope(); // (B)
        }
        // The one read of the batch: every step's words, the scores and the finished flags.
        long[] words = emitted.Count == 0 ? [] : stack(emitted, 1).cpu().data<long>().ToArray(); // (B, steps)
        var scores = logProb.cpu().data<double>().ToArray();
        var done = finished.cpu().data<bool>().ToArray();
        var steps = emitted.Count;
        return Enumerable.Range(0, (int)batch).Select(i =>
            new DecodedCaption(words.Skip(i * steps).Take(steps).Where(w => w >= 0).ToArray(), scores[i], done[i])).ToList();
    }

    private static List<DecodedCaption> Beam(CaptionModel model, Tensor features, DecodeOptions options, SpecialTokenIds ids)
    {
        var batch = features.shape[0];
        var device = features.device;
        var k = options.BeamSize;
        var rows = batch * k;
        var vocab = model.Options.VocabularySize;

        var rowIndex = arange(rows, ScalarType.Int64, device); // (B*k)
        DecoderState state;
        using (var initial = model.Start(features)) state = initial.Select(rowIndex.div(k, rounding_mode: RoundingMode.floor)); // (L, B*k, H)
        // Only the first beam of each image is live at the start, so the first step's top k are distinct words.
        var scores = zeros(rows, ScalarType.Float32, device).masked_fill(rowIndex.remainder(k).ne(0), float.NegativeInfinity); // (B*k)
        var current = full(rows, ids.Start, ScalarType.Int64, device); // (B*k)
        var finished = zeros(rows, ScalarType.Bool, device); // (B*k)
        // What a finished hypothesis adds: it stays as it is (pad costs nothing, every other token is impossible).
        var finishedRow = full(1, vocab, float.NegativeInfinity, ScalarType.Float32, device); // (1, V)
        finishedRow.index_fill_(1, tensor(new[] { ids.Pad }, device: device), 0);
        var firstRowOfImage = arange(batch, ScalarType.Int64, device).mul(k).unsqueeze(1); // (B, 1)
        var sources = new List<Tensor>(); // per step (B*k): the row each hypothesis continues
        var emitted = new List<Tensor>(); // per step (B*k): the word it appended, or -1 for none

        for (var t = 0; t < options.MaxLength + 1 && !AllFinished(finished); t++)
        {
            // The step's logits and sums (B*k x V each) are freed at once; only the hypotheses' state moves on.
            using var scope = NewDisposeScope();
            var (logp, next) = StepLogP(model, current, state, t, options, ids); // (B*k, V)
            logp = where(finished.unsqueeze(1), finishedRow, logp); // (B*k, V)
            var total = (scores.unsqueeze(1) + logp).reshape(batch, k * vocab); // (B, k*V)
            var (best, flat) = total.topk(k, 1); // (B, k)
            var source = flat.div(vocab, rounding_mode: RoundingMode.floor).add(firstRowOfImage).reshape(rows); // (B*k)
            var token = flat.remainder(vocab).reshape(rows); // (B*k)
            var ended = finished.index_select(0, source).logical_or(token.eq(ids.End)); // (B*k)
            sources.Add(source.MoveToOuterDisposeScope());
            emitted.Add(token.masked_fill(ended, -1).MoveToOuterDisposeScope());
            finished = ended.MoveToOuterDisposeScope();
            state.Dispose();
            state = next.Select(source).MoveToOuterDisposeScope();
            scores = best.reshape(rows).MoveToOuterDisposeScope();
            current = token.masked_fill(finished, ids.Pad).MoveToOuterDisposeScope(); // (B*k)
        }

        // The one read of the batch; the hypotheses' words are then followed back through the recorded sources.
        var steps = sources.Count;
        long[] from = steps == 0 ? [] : stack(sources).cpu().data<long>().ToArray(); // (steps, B*k)
        long[] words = steps == 0 ? [] : stack(emitted).cpu().data<long>().ToArray(); // (steps, B*k)
        var finalScores = scores.cpu().data<float>().ToArray();
        var done = finished.cpu().data<bool>().ToArray();
        List<long> Sequence(long row)
        {
            var sequence = new List<long>();
            for (var t = steps - 1; t >= 0; t--)
            {
                var word = words[t * rows + row];
                if (word >= 0) sequence.Add(word);
                row = from[t * rows + row];
            }
            sequence.Reverse();
            return sequence;
        }

        var results = new List<DecodedCaption>((int)batch);
        for (var b = 0; b < batch; b++)
        {
            var bestRow = -1L;
            List<long>? bestSequence = null;
            var bestValue = double.NegativeInfinity;
            for (var j = 0; j < k; j++)
            {
                var r = b * k + j;
                if (float.IsNegativeInfinity(finalScores[r])) continue;
                var sequence = Sequence(r);
                var normalised = finalScores[r] / LengthPenalty(sequence.Count + (done[r] ? 1 : 0), options.LengthPenalty);
                if (bestRow < 0 || normalised > bestValue) (bestRow, bestSequence, bestValue) = (r, sequence, normalised);
            }
            if (bestRow < 0) (bestRow, bestSequence) = (b * k, Sequence(b * k));
            results.Add(new DecodedCaption(bestSequence!.ToArray(), finalScores[bestRow], done[bestRow]));
        }
        return results;
    }

    /// <summary>Wu et al. (2016): ((5 + length) / 6)^alpha.</summary>
    public static double LengthPenalty(int length, double alpha) => alpha == 0 ? 1 : Math.Pow((5.0 + length) / 6.0, alpha);
}
