using System.CommandLine;
using System.Globalization;
using Captioning.Data;
using Captioning.Features;
using Captioning.Reporting;

namespace Captioning.Cli.Commands;

/// <summary>`caption extract`: image features of a dataset into a resumable feature store.</summary>
internal static class ExtractCommand
{
    internal static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Flickr8k-layout folder (Flickr8k_text/, Flickr8k_Dataset/), e.g. from `caption data synth`.", Required = true };
        var encoder = new Option<string>("--encoder") { Description = $"Image encoder: {string.Join(", ", EncoderNames.All)}.", Required = true };
        var weights = new Option<string?>("--weights") { Description = "Pretrained weights (.pth or .safetensors); for resnet18-mlnet a ResNet18.onnx (default: the NuGet package's copy); for small-cnn, a network saved by an earlier run." };
        var dtype = new Option<string>("--dtype") { Description = "Storage type of the features: float16 (half the size) or float32.", DefaultValueFactory = _ => "float16" };
        var batch = new Option<int>("--batch") { Description = "Images per encoder call.", DefaultValueFactory = _ => 32 };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (0: one per core)." };
        var skipBad = new Option<bool>("--skip-bad-images") { Description = "Skip images that fail to decode (named, counted, listed in the store) instead of stopping." };
        var force = new Option<bool>("--force") { Description = "Replace an existing store built with another encoder, weights or dataset." };
        var cnnEpochs = new Option<int>("--cnn-epochs") { Description = "small-cnn: training epochs.", DefaultValueFactory = _ => new SmallCnnOptions().Epochs };
        var cnnSize = new Option<int>("--cnn-size") { Description = "small-cnn: input side in pixels.", DefaultValueFactory = _ => new SmallCnnOptions().InputSize };
        var seed = new Option<int>("--seed") { Description = "small-cnn: seed of weights and shuffling.", DefaultValueFactory = _ => new SmallCnnOptions().Seed };
        var device = DeviceOption.Create();
        var output = new Option<string>("--out") { Description = "Feature store file to write (resumes OUT.partial if an earlier run was interrupted).", Required = true };
        var command = new Command("extract", "Run every image of a dataset through an encoder into a feature store (resumable, Ctrl-C safe).")
        {
            data, encoder, weights, dtype, batch, threads, device, skipBad, force, cnnEpochs, cnnSize, seed, output,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var name = parse.GetValue(encoder)!;
            EncoderNames.Validate(name);
            var outPath = InputPaths.OutputFile(parse.GetValue(output)!, "--out");
            InputPaths.Folder(parse.GetValue(data)!, "--data", "Flickr8k_text/ and Flickr8k_Dataset/");
            var on = DeviceOption.Resolve(parse, device);
            var options = new ExtractOptions(FeatureStoreHeader.ParseDType(parse.GetValue(dtype)!, "--dtype"), parse.GetValue(batch),
                parse.GetValue(skipBad), parse.GetValue(force), on);
            options.Validate();
            TorchRuntime.ConfigureThreads(parse.GetValue(threads));
            var given = parse.GetValue(weights);
            if (given != null) InputPaths.File(given, "--weights", name == EncoderNames.ResNet18MlNet ? "the package's ResNet18.onnx" : "a .pth checkpoint or a .safetensors file");
            var weightsPath = given ?? EncoderNames.BundledWeights(name);
            // Checked here because SmallCnnOptions' own message lists every field without naming the option.
            if (parse.GetValue(cnnEpochs) < 1) throw new CaptioningException($"--cnn-epochs must be at least 1, got {parse.GetValue(cnnEpochs)}");
            if (parse.GetValue(cnnSize) < 16) throw new CaptioningException($"--cnn-size must be at least 16 pixels, got {parse.GetValue(cnnSize)}");
            if (name != EncoderNames.SmallCnn && weightsPath == null) throw EncoderNames.MissingWeights(name);
            var dataset = DatasetPreparer.Load(parse.GetValue(data)!, null, new PrepareOptions());

            // Covers the small CNN trained and saved beside the store as well as the store itself.
            using var writing = FeatureStoreWriter.LockForWriting(outPath);
            // The first Ctrl-C finishes the batch in hand; a second one ends the process at once.
            using var cancel = new ConsoleCancellation("after the current batch");
            var cnn = new SmallCnnOptions(InputSize: parse.GetValue(cnnSize), Epochs: parse.GetValue(cnnEpochs), Seed: parse.GetValue(seed), Device: on);
            var source = FeatureSources.Open(name, weightsPath, outPath, weights => TrainSmallCnn(dataset, cnn, weights, parse.GetValue(skipBad), cancel.Token));
            try
            {
                return Extract(dataset, source, outPath, options, cancel.Token);
            }
            finally
            {
                (source as IDisposable)?.Dispose();
            }
        }));
        return command;
    }

    private static int Extract(CaptionDataset dataset, IFeatureSource source, string outPath, ExtractOptions options, CancellationToken cancel)
    {
        ProgressReporter? reporter = null;
        var result = FeatureExtractor.Run(dataset, source, outPath, options,
            progress: p =>
            {
                // Created at the first report, after that work was done: it counts from here, or its first rate would be absurd.
                reporter ??= new ProgressReporter($"extract {source.Name}", p.Total, "images", alreadyDone: p.Done);
                reporter.Report(p.Done, ("skipped", p.Skipped.ToString(CultureInfo.InvariantCulture)));
            },
            log: message => Console.Error.WriteLine(message),
            cancellation: cancel);
        reporter?.Complete(("skipped", result.Skipped.ToString(CultureInfo.InvariantCulture)));
        if (result.Interrupted)
        {
            Console.Error.WriteLine($"interrupted: {result.Resumed + result.Extracted + result.Skipped} of {result.Total} images are saved in "
                + $"'{FeatureStoreWriter.PartialPath(outPath)}'; rerun the same command to resume");
            return 130;
        }
        if (result.AlreadyComplete) return CommandRunner.Ok;
        var size = new FileInfo(outPath).Length;
        Console.WriteLine(FormattableString.Invariant(
            $"wrote '{outPath}': {result.Total - result.Skipped} images x {source.FeatureDimension} {FeatureStoreHeader.DTypeName(options.DType)} ({size / 1e6:F1} MB) in {result.Elapsed.TotalSeconds:F1} s; ")
            + $"{result.Extracted} extracted now, {result.Resumed} resumed, {result.Skipped} skipped as unreadable");
        return CommandRunner.Ok;
    }

    private static SmallCnnEncoder TrainSmallCnn(CaptionDataset dataset, SmallCnnOptions options, string weightsPath, bool skipBad, CancellationToken cancel)
    {
        options.Validate();
        ProgressReporter? reporter = null;
        var (encoder, trained) = SmallCnnTrainer.TrainOrLoad(dataset, options, weightsPath, skipBad,
            progress: p =>
            {
                var done = (long)(p.Epoch - 1) * p.Batches + p.Batch;
                reporter ??= new ProgressReporter("small-cnn training", (long)p.Epochs * p.Batches, "batches", alreadyDone: done);
                if (p.Dev is { } dev)
                    Console.Error.WriteLine(FormattableString.Invariant($"epoch {p.Epoch}/{p.Epochs}: loss {p.Loss:F4}, dev concepts {dev}"));
                else
                    reporter.Report(done, ("epoch", $"{p.Epoch}/{p.Epochs}"), ("loss", p.Loss.ToString("F4", CultureInfo.InvariantCulture)));
            },
            log: message => Console.Error.WriteLine(message),
            cancellation: cancel);
        if (trained != null)
        {
            reporter?.Complete();
            Console.WriteLine(FormattableString.Invariant(
                $"small-cnn: {trained.Encoder.Concepts.Count} concepts, trained on {trained.TrainImages} images in {trained.Elapsed.TotalSeconds:F1} s; ")
                + $"dev ({trained.DevImages} images, threshold 0.5, micro) {trained.Dev}; always-frequent baseline {trained.Majority}; saved '{weightsPath}'");
        }
        return encoder;
    }
}
