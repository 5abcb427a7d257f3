using System.CommandLine;
using Captioning.Data;

namespace Captioning.Cli.Commands;

/// <summary>`caption prepare`: cleaned captions, vocabulary and a summary from a Flickr8k folder or Karpathy JSON.</summary>
internal static class PrepareCommand
{
    internal static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Flickr8k folder (Flickr8k_text/, Flickr8k_Dataset/), or the image root with --karpathy.", Required = true };
        var karpathy = new Option<string?>("--karpathy") { Description = "Karpathy split file (dataset_flickr8k.json etc.); images are looked up under --data." };
        var minCount = new Option<int>("--min-count") { Description = "Minimum training count for a word to get its own id (tutorial 1; Tanti et al. 5).", DefaultValueFactory = _ => 1 };
        var keepSingle = new Option<bool>("--keep-single-letters") { Description = "Keep one-letter words such as \"a\" (the tutorial drops them)." };
        var skipMissing = new Option<bool>("--skip-missing") { Description = "Skip split entries without captions or image file, and report how many." };
        var restval = new Option<RestvalPolicy>("--restval") { Description = "Where Karpathy restval images go: Train, Dev or Exclude.", DefaultValueFactory = _ => RestvalPolicy.Train };
        var output = new Option<string>("--out") { Description = "Folder for descriptions.txt, vocabulary.json and summary.txt.", Required = true };
        var command = new Command("prepare", "Clean captions, build the training vocabulary and summarise a dataset.")
        {
            data, karpathy, minCount, keepSingle, skipMissing, restval, output,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var options = new PrepareOptions(parse.GetValue(minCount), parse.GetValue(keepSingle), parse.GetValue(skipMissing), parse.GetValue(restval));
            if (options.MinCount < 1) throw new CaptioningException($"--min-count must be at least 1, got {options.MinCount}");
            var outDir = InputPaths.OutputFolder(parse.GetValue(output)!, "--out");
            var split = parse.GetValue(karpathy);
            if (split != null) InputPaths.File(split, "--karpathy", "a Karpathy split JSON file such as dataset_flickr8k.json");
            var dataDir = InputPaths.Folder(parse.GetValue(data)!, "--data",
                split == null ? "Flickr8k_text/ and Flickr8k_Dataset/" : "the images the Karpathy file names");
            var summary = DatasetPreparer.Prepare(dataDir, split, outDir, options);
            foreach (var line in summary.Lines()) Console.WriteLine(line);
            Console.WriteLine($"wrote {DatasetPreparer.DescriptionsFile}, {DatasetPreparer.VocabularyFile} and {DatasetPreparer.SummaryFile} to '{outDir}'");
        }));
        return command;
    }
}
