using Captioning.Data;
using Captioning.Models;
using static TorchSharp.torch;

namespace Captioning.Inference;

/// <summary>A word the model proposed at a step, with its probability (0-1).</summary>
public sealed record WordChoice(string Word, double Probability);

/// <summary>One step of a greedy decode: the words so far, the model's most likely next words, and the one taken (the first).</summary>
public sealed record GreedyStep(int Step, string Prefix, IReadOnlyList<WordChoice> Candidates)
{
    /// <summary>The word greedy decoding appends: the most likely one.</summary>
    public WordChoice Chosen => Candidates[0];
}

/// <summary>A hypothesis kept in the beam after a step.</summary>
/// <param name="Words">Its words so far, ending with &lt;end&gt; once it has finished.</param>
/// <param name="LogProbability">The sum of its words' log-probabilities.</param>
/// <param name="Score">What the final choice ranks by: the log-probability divided by the length penalty of its length (equal to it when the penalty's alpha is 0).</param>
/// <param name="Finished">Whether it has ended with &lt;end&gt;; a finished hypothesis stays in the beam unchanged.</param>
public sealed record BeamHypothesis(string Words, double LogProbability, double Score, bool Finished);

/// <summary>The hypotheses a beam keeps after one step, best log-probability first.</summary>
public sealed record BeamStep(int Step, IReadOnlyList<BeamHypothesis> Kept);

/// <summary>
/// Greedy and beam-search decoding of one photo, step by step, for reading rather than speed: the
/// same model steps, length rules (<see cref="DecodeOptions.MaxLength"/>, <see cref="DecodeOptions.MinLength"/>)
/// and final choice as <see cref="CaptionDecoder"/>, which decodes many photos at once and records nothing.
/// </summary>
public static class DecodeTrace
{
    /// <summary>
    /// Decodes <paramref name="feature"/> (D) greedily and returns every step: the prefix and the
    /// <paramref name="top"/> most likely next words. The last step's chosen word is &lt;end&gt;
    /// unless the caption reached the maximum length.
    /// </summary>
    public static IReadOnlyList<GreedyStep> Greedy(CaptionModel model, Tensor feature, Vocabulary vocabulary, DecodeOptions? options = null, int top = 5)
    {
        options = (options ?? DecodeOptions.Greedy).Validate(model.Options.VocabularySize);
        if (top < 1) throw new ArgumentOutOfRangeException(nameof(top), top, "at least one candidate per step is needed");
        var ids = new SpecialTokenIds();
        return Run(model, feature, () =>
        {
            var steps = new List<GreedyStep>();
            var words = new List<string> { Vocabulary.Specials[Vocabulary.Start] };
            var state = model.Start(feature.reshape(1, -1).to(model.Device)); // (1, D) in
            var current = full(1, ids.Start, ScalarType.Int64, model.Device); // (1)
            for (var t = 0; t <= options.MaxLength; t++)
            {
                var (logp, next) = CaptionDecoder.StepLogP(model, current, state, t, options, ids); // (1, V)
                var (probabilities, indices) = logp.exp().topk(Math.Min(top, (int)logp.shape[1]), 1); // (1, top)
                var p = probabilities.cpu().data<float>().ToArray();
                var w = indices.cpu().data<long>().ToArray();
                steps.Add(new GreedyStep(t, string.Join(' ', words),
                    w.Select((id, i) => new WordChoice(vocabulary.WordOf((int)id), p[i])).Where(c => c.Probability > 0).ToArray()));
                state = next;
                current = indices.select(1, 0); // (1)
                words.Add(vocabulary.WordOf((int)w[0]));
                if (w[0] == ids.End) break;
            }
            return steps;
        });
    }

    /// <summary>
    /// Beam search over <paramref name="feature"/> (D) with <see cref="DecodeOptions.BeamSize"/>
    /// hypotheses: after every step, the hypotheses kept. The caption <see cref="CaptionDecoder"/>
    /// gives is the kept hypothesis of the last step with the best <see cref="BeamHypothesis.Score"/>.
    /// </summary>
    public static IReadOnlyList<BeamStep> Beam(CaptionModel model, Tensor feature, Vocabulary vocabulary, DecodeOptions? options = null)
    {
        options = (options ?? DecodeOptions.Beam3).Validate(model.Options.VocabularySize);
        var ids = new SpecialTokenIds();
        var k = options.BeamSize;
        var vocab = model.Options.VocabularySize;
        return Run(model, feature, () =>
        {
            var device = model.Device;
            var steps = new List<BeamStep>();
            var state = model.Start(feature.reshape(1, -1).to(device)).Select(zeros(k, ScalarType.Int64, device)); // k copies of (1, D)'s state
            // As in CaptionDecoder: only the first hypothesis is live at first, so the first step keeps k distinct words.
            var scores = full(k, float.NegativeInfinity, ScalarType.Float32, device).index_fill_(0, tensor(new long[] { 0 }, device: device), 0); // (k)
            var current = full(k, ids.Start, ScalarType.Int64, device); // (k)
            var hypotheses = Enumerable.Range(0, k).Select(_ => (Words: new List<long>(), Finished: false)).ToList();
            var finishedRow = full(1, vocab, float.NegativeInfinity, ScalarType.Float32, device).index_fill_(1, tensor(new[] { ids.Pad }, device: device), 0); // (1, V)
            for (var t = 0; t <= options.MaxLength && hypotheses.Any(h => !h.Finished); t++)
            {
                var finished = tensor(hypotheses.Select(h => h.Finished).ToArray(), device: device); // (k)
                var (logp, next) = CaptionDecoder.StepLogP(model, current, state, t, options, ids); // (k, V)
                logp = where(finished.unsqueeze(1), finishedRow, logp); // (k, V)
                var (best, flat) = (scores.unsqueeze(1) + logp).reshape(1, k * vocab).topk(k, 1); // (1, k)
                var source = flat.div(vocab, rounding_mode: RoundingMode.floor).reshape(k); // (k)
                var token = flat.remainder(vocab).reshape(k); // (k)
                var from = source.cpu().data<long>().ToArray();
                var words = token.cpu().data<long>().ToArray();
                hypotheses = Enumerable.Range(0, k).Select(j =>
                {
                    var parent = hypotheses[(int)from[j]];
                    return parent.Finished ? parent : (Words: [.. parent.Words, words[j]], Finished: words[j] == ids.End);
                }).ToList();
                state = next.Select(source);
                scores = best.reshape(k);
                current = token.masked_fill(tensor(hypotheses.Select(h => h.Finished).ToArray(), device: device), ids.Pad); // (k)
                var logProbabilities = scores.cpu().data<float>().ToArray();
                steps.Add(new BeamStep(t, hypotheses.Select((h, j) => new BeamHypothesis(
                    Words(vocabulary, h.Words),
                    logProbabilities[j],
                    logProbabilities[j] / CaptionDecoder.LengthPenalty(h.Words.Count, options.LengthPenalty),
                    h.Finished)).Where(h => !double.IsNegativeInfinity(h.LogProbability)).ToArray()));
            }
            return steps;
        });
    }

    // Every id as its word, specials included: a model can propose <start> or <pad> too, and the trace shows what it did.
    private static string Words(Vocabulary vocabulary, IEnumerable<long> ids) => string.Join(' ', ids.Select(id => vocabulary.WordOf((int)id)));

    // Eval mode without gradients, every temporary freed, the model's mode restored.
    private static T Run<T>(CaptionModel model, Tensor feature, Func<T> decode)
    {
        if (feature.numel() != model.Options.FeatureDimension)
            throw new ArgumentException($"a trace decodes one photo: expected {model.Options.FeatureDimension} feature values, got shape [{string.Join(", ", feature.shape)}]", nameof(feature));
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            return decode();
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
