using Captioning.Data;
using Captioning.Inference;
using Captioning.Models;
using Captioning.Training;

namespace Captioning.Evaluation;

/// <summary>Greedy-decoded BLEU-4 and CIDEr-D on a validation split, for <see cref="Trainer.ValidationMetrics"/>.</summary>
public static class ValidationScorer
{
    /// <summary>
    /// A function that decodes every image of <paramref name="split"/> greedily and returns
    /// "val_bleu4" and "val_cider" (coco-caption, 0-1 scale; no bootstrap, for speed).
    /// </summary>
    public static Func<CaptionModel, IReadOnlyDictionary<string, double>> Create(CaptionDataset dataset, SplitData split, Vocabulary vocabulary,
        int maxLength = 20)
    {
        var ids = split.Captions.ImageIds;
        var references = ids.ToDictionary(id => id, id => (IReadOnlyList<string>)(dataset.Find(id)?.Captions
            ?? throw new CaptioningException($"validation image '{id}' is not in dataset '{dataset.Source}'")));
        return model =>
        {
            var decoded = CaptionDecoder.Decode(model, split.Features, new DecodeOptions(MaxLength: maxLength));
            var candidates = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => vocabulary.DecodeToString(decoded[x.i].Tokens.Select(t => (int)t)));
            var report = CaptionScorer.ScoreText(references, candidates, bootstrap: BootstrapOptions.None);
            return new Dictionary<string, double> { ["val_bleu4"] = report.Values[Metric.CocoBleu4], ["val_cider"] = report.Values[Metric.Cider] };
        };
    }
}
