using System.CommandLine;
using Captioning.Data;

namespace Captioning.Cli.Commands;

/// <summary>`caption data synth`: writes the embedded synthetic dataset in the Flickr8k layout.</summary>
internal static class DataSynthCommand
{
    internal static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder to write Flickr8k_Dataset/ and Flickr8k_text/ into.", DefaultValueFactory = _ => "data/synthetic" };
        var images = new Option<int>("--images") { Description = "Number of images (split 6:1:1 into train/dev/test).", DefaultValueFactory = _ => 2000 };
        var seed = new Option<int>("--seed") { Description = "Seed; the same seed gives identical files.", DefaultValueFactory = _ => 1 };
        var size = new Option<int>("--size") { Description = "Image side in pixels.", DefaultValueFactory = _ => 112 };
        var force = new Option<bool>("--force") { Description = "Replace a different dataset already in --out." };
        var threads = new Option<int>("--threads") { Description = "Worker threads (0: one per core); the output does not depend on it." };
        var synth = new Command("synth", "Generate the synthetic shapes dataset (5 captions per image) in the exact Flickr8k layout.")
        {
            output, images, seed, size, force, threads,
        };
        synth.SetAction(parse => CommandRunner.Run(() =>
        {
            var dir = InputPaths.OutputFolder(parse.GetValue(output)!, "--out");
            using var writing = WriterLock.Acquire(dir, "dataset folder");
            var result = SyntheticDataset.Generate(dir, parse.GetValue(images), parse.GetValue(seed), parse.GetValue(size),
                parse.GetValue(force), parse.GetValue(threads));
            if (result.AlreadyComplete)
                Console.WriteLine($"'{dir}' already holds this dataset ({result.Train + result.Dev + result.Test} images); nothing to do");
            else
                Console.WriteLine($"wrote {result.Rendered} images ({result.Reused} kept from an earlier run) to '{dir}' in {result.Elapsed.TotalSeconds:F1} s");
            Console.WriteLine($"splits: train {result.Train}, dev {result.Dev}, test {result.Test}; next: caption prepare --data {dir} --out <folder>");
        }));
        return new Command("data", "Dataset tools.") { synth };
    }
}
