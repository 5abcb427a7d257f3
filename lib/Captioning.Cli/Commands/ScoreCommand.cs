using System.CommandLine;
using Captioning.Evaluation;

namespace Captioning.Cli.Commands;

/// <summary>`caption score`: coco-caption BLEU/ROUGE-L/CIDEr-D and NLTK BLEU of a predictions file, with bootstrap intervals and an optional paired comparison.</summary>
internal static class ScoreCommand
{
    internal static Command Create()
    {
        var references = new Option<string>("--references") { Description = "Reference captions, Flickr8k token layout: '<image>.jpg#<k><TAB><caption>'.", Required = true };
        var predictions = new Option<string>("--predictions") { Description = "Predictions: '<image><TAB><caption>' lines or a COCO results JSON array.", Required = true };
        var split = new Option<string?>("--split") { Description = "Score only the images listed in this file (one image file name per line)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (0-1 scale, CIDEr-D on its own scale) instead of the table." };
        var compare = new Option<string?>("--compare") { Description = "A second predictions file for the same images: paired bootstrap difference per metric." };
        var seed = new Option<int>("--seed") { Description = "Seed of the bootstrap resampling.", DefaultValueFactory = _ => BootstrapOptions.Default.Seed };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Number of bootstrap resamples over images (0: no intervals).", DefaultValueFactory = _ => BootstrapOptions.Default.Resamples };

        var command = new Command("score", "Score predicted captions against references (BLEU-1..4 coco and NLTK, ROUGE-L, CIDEr-D).")
        {
            references, predictions, split, json, compare, seed, bootstrap,
        };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            var referencesPath = InputPaths.File(result.GetValue(references)!, "--references", "a Flickr8k token file ('<image>.jpg#<k><TAB><caption>' lines)");
            var predictionsPath = InputPaths.File(result.GetValue(predictions)!, "--predictions", "'<image><TAB><caption>' lines or a COCO results JSON array");
            var splitPath = result.GetValue(split);
            if (splitPath != null) InputPaths.File(splitPath, "--split", "a file with one image file name per line");
            var comparePath = result.GetValue(compare);
            if (comparePath != null) InputPaths.File(comparePath, "--compare", "a second predictions file");
            var resamples = result.GetValue(bootstrap);
            if (resamples < 0) throw new CaptioningException($"--bootstrap must be 0 or more, got {resamples}");
            if (comparePath is not null && resamples == 0) throw new CaptioningException("--compare needs bootstrap resamples: drop --bootstrap 0 or give a positive count");
            var options = new BootstrapOptions(resamples, result.GetValue(seed));

            var refs = CaptionFiles.ReadReferences(referencesPath);
            var splitIds = splitPath is null ? null : CaptionFiles.ReadSplit(splitPath);
            var selected = Select(refs, predictionsPath, referencesPath, splitIds, splitPath);

            ScoreReport report;
            ComparisonReport? comparison = null;
            if (comparePath is null)
            {
                report = CaptionScorer.ScoreText(refs, selected.Predictions, bootstrap: options);
            }
            else
            {
                var other = Select(refs, comparePath, referencesPath, splitIds, splitPath);
                var onlyOne = selected.Predictions.Keys.Where(k => !other.Predictions.ContainsKey(k))
                    .Concat(other.Predictions.Keys.Where(k => !selected.Predictions.ContainsKey(k))).Order(StringComparer.Ordinal).ToArray();
                if (onlyOne.Length > 0)
                {
                    throw new CaptioningException(
                        $"--compare needs {predictionsPath} and {comparePath} to caption the same images; " +
                        $"{onlyOne.Length} image(s) are in only one of them: {string.Join(", ", onlyOne.Take(5))}{(onlyOne.Length > 5 ? ", ..." : "")}");
                }
                comparison = CaptionScorer.CompareText(refs, selected.Predictions, other.Predictions, bootstrap: options);
                report = comparison.A;
            }
            Console.WriteLine(result.GetValue(json)
                ? ScoreFormat.Json(report, comparison, comparePath)
                : ScoreFormat.Table(report, comparison));
        }));
        return command;
    }

    private static ScoringSet Select(
        IReadOnlyDictionary<string, IReadOnlyList<string>> refs, string predictionsPath, string referencesPath,
        IReadOnlyList<string>? splitIds, string? splitPath)
    {
        var set = ScoringSet.Select(refs, CaptionFiles.ReadPredictions(predictionsPath), splitIds, referencesPath, predictionsPath, splitPath);
        // Reported on stderr so that --json output stays one object on stdout.
        if (set.OutsideSplit.Count > 0)
        {
            Console.Error.WriteLine($"note: skipped {set.OutsideSplit.Count} prediction(s) in {predictionsPath} for images outside the split {splitPath}");
        }
        return set;
    }
}
