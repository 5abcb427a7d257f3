namespace Captioning.Evaluation;

/// <summary>The predictions that will be scored, and those left out because the split does not list them.</summary>
/// <param name="Predictions">Raw predicted caption per image to score.</param>
/// <param name="OutsideSplit">Ids of predictions skipped because the split does not contain them (reported, never silent).</param>
public sealed record ScoringSet(IReadOnlyDictionary<string, string> Predictions, IReadOnlyList<string> OutsideSplit)
{
    /// <summary>
    /// Chooses the images to score: the split's images when a split is given (each needs references and
    /// a prediction), otherwise every predicted image (each needs references). File names go into errors.
    /// </summary>
    public static ScoringSet Select(
        IReadOnlyDictionary<string, IReadOnlyList<string>> references,
        IReadOnlyDictionary<string, string> predictions,
        IReadOnlyList<string>? split,
        string referencesPath,
        string predictionsPath,
        string? splitPath = null)
    {
        if (split is null)
        {
            var unreferenced = predictions.Keys.Where(id => !references.ContainsKey(id)).Order(StringComparer.Ordinal).ToArray();
            if (unreferenced.Length > 0)
            {
                throw new CaptioningException(
                    $"predictions file {predictionsPath} has {unreferenced.Length} image(s) with no reference caption in {referencesPath}: " +
                    $"{CaptionScorer.Describe(unreferenced)}; check that both files use the same image names");
            }
            return new ScoringSet(predictions, []);
        }

        var noReference = split.Where(id => !references.ContainsKey(id)).ToArray();
        if (noReference.Length > 0)
        {
            throw new CaptioningException(
                $"split file {splitPath} lists {noReference.Length} image(s) with no reference caption in {referencesPath}: {CaptionScorer.Describe(noReference)}");
        }
        var noPrediction = split.Where(id => !predictions.ContainsKey(id)).ToArray();
        if (noPrediction.Length > 0)
        {
            throw new CaptioningException(
                $"predictions file {predictionsPath} has no caption for {noPrediction.Length} image(s) of split {splitPath}: {CaptionScorer.Describe(noPrediction)}");
        }
        var inSplit = new HashSet<string>(split, StringComparer.Ordinal);
        var selected = predictions.Where(p => inSplit.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var outside = predictions.Keys.Where(id => !inSplit.Contains(id)).Order(StringComparer.Ordinal).ToArray();
        return new ScoringSet(selected, outside);
    }
}
