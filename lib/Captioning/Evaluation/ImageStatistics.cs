namespace Captioning.Evaluation;

/// <summary>
/// Everything the corpus metrics need from a set of images, computed once: BLEU counts per image
/// (corpus BLEU sums them) and per-image ROUGE-L and CIDEr-D (their corpus values are means). Any
/// multiset of image indices, such as a bootstrap resample, is then scored without re-reading text.
/// </summary>
internal sealed class ImageStatistics
{
    private readonly CocoBleuCounts[] _coco;
    private readonly NltkBleuCounts[] _nltk;
    private readonly double[] _rouge;
    private readonly double[] _cider;

    internal ImageStatistics(IReadOnlyList<IReadOnlyList<string[]>> references, IReadOnlyList<string[]> candidates)
    {
        _coco = candidates.Select((c, i) => CocoBleu.Count(references[i], c)).ToArray();
        _nltk = candidates.Select((c, i) => NltkBleu.Count(references[i], c)).ToArray();
        _rouge = candidates.Select((c, i) => RougeL.Score(references[i], c)).ToArray();
        _cider = CiderD.Score(references, candidates);
    }

    internal int Count => _coco.Length;

    internal double Rouge(int image) => _rouge[image];

    internal double Cider(int image) => _cider[image];

    internal double SentenceBleu4(int image) => CocoBleu.Aggregate(_coco, [image])[3];

    /// <summary>Every metric over the images at <paramref name="indices"/>, repeats counted.</summary>
    internal Dictionary<Metric, double> Aggregate(int[] indices)
    {
        var coco = CocoBleu.Aggregate(_coco, indices);
        var nltk = NltkBleu.Aggregate(_nltk, indices);
        double rouge = 0, cider = 0;
        foreach (var i in indices)
        {
            rouge += _rouge[i];
            cider += _cider[i];
        }
        return new Dictionary<Metric, double>
        {
            [Metric.CocoBleu1] = coco[0],
            [Metric.CocoBleu2] = coco[1],
            [Metric.CocoBleu3] = coco[2],
            [Metric.CocoBleu4] = coco[3],
            [Metric.RougeL] = rouge / indices.Length,
            [Metric.Cider] = cider / indices.Length,
            [Metric.NltkBleu1] = nltk[0],
            [Metric.NltkBleu2] = nltk[1],
            [Metric.NltkBleu3] = nltk[2],
            [Metric.NltkBleu4] = nltk[3],
        };
    }
}
