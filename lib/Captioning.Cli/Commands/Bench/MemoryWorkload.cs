using Captioning.Data;
using Captioning.Training;
using TorchSharp;

namespace Captioning.Cli.Commands;

/// <summary>
/// Peak resident memory of one training epoch at Flickr8k scale through the real trainer: 6,000
/// images x 5 captions of 8-16 words, 4,096-d float32 features, vocabulary 7,579, the tutorial's
/// merge model, batch 64, checkpoints written. Reports the process's peak RSS (VmHWM) in MB.
/// </summary>
internal static class MemoryWorkload
{
    internal static BenchResult Run(BenchSettings settings) => Run(settings, images: 6000);

    /// <summary>The same epoch over <paramref name="images"/> images (a sixth of them validate); tests run it small, the bench at Flickr8k's 6,000.</summary>
    internal static BenchResult Run(BenchSettings settings, int images)
    {
        const int perImage = 5;
        var validation = images / 6;
        var random = new Random(0);
        var ids = Enumerable.Range(0, images).Select(i => $"img{i}").ToList();
        var tokens = new List<int>();
        var offsets = new List<int> { 0 };
        var rows = new List<int>();
        for (var i = 0; i < images; i++)
        for (var c = 0; c < perImage; c++)
        {
            var length = random.Next(8, 17);
            for (var t = 0; t < length; t++) tokens.Add(random.Next(4, TrainWorkload.Vocabulary));
            offsets.Add(tokens.Count);
            rows.Add(i);
        }
        var captions = new EncodedCaptions(ids, tokens.ToArray(), offsets.ToArray(), rows.ToArray());
        TorchRuntime.ManualSeed(0);
        // On the CPU, as a feature store's rows are; the trainer copies them to the model's device.
        using var features = torch.randn(images, TrainWorkload.FeatureDimension); // (6000, 4096)
        var folder = Directory.CreateTempSubdirectory("caption-bench-memory-").FullName;
        try
        {
            using var model = TrainWorkload.TutorialMerge(settings.Device);
            var split = new SplitData(captions, features);
            // Validation on the first sixth of the images' captions (1,000 of 6,000) keeps the epoch's shape; its cost is small.
            var devCaptions = validation * perImage;
            var dev = new SplitData(new EncodedCaptions(ids.Take(validation).ToList(), tokens.Take(offsets[devCaptions]).ToArray(),
                offsets.Take(devCaptions + 1).ToArray(), rows.Take(devCaptions).ToArray()), features);
            var options = new TrainingOptions(Epochs: 1, BatchSize: 64);
            var run = new RunFolder(folder);
            // A run folder as `caption train` writes it: checkpoints are sealed together with its config.json and vocabulary.json.
            var vocabulary = Vocabulary.Build([Enumerable.Range(4, TrainWorkload.Vocabulary - 4).Select(i => $"w{i}").ToArray()]);
            run.Initialise(model.Options, options, new RunInputs("bench", "bench", "none", "bench"), vocabulary);
            new Trainer().Run(model, split, dev, options, run);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        return new BenchResult(PeakResidentMegabytes(), "MB peak RSS");
    }

    internal static double PeakResidentMegabytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        throw new InvalidOperationException("no VmHWM in /proc/self/status");
    }
}
