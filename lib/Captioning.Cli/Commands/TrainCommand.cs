using System.CommandLine;
using System.Globalization;
using Captioning.Data;
using Captioning.Features;
using Captioning.Models;
using Captioning.Reporting;
using Captioning.Training;
using TorchSharp;

namespace Captioning.Cli.Commands;

/// <summary>`caption train`: trains a caption model on cached features into a run folder.</summary>
internal static class TrainCommand
{
    internal static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Flickr8k-layout dataset folder.", Required = true };
        var features = new Option<string>("--features") { Description = "Feature store from `caption extract`.", Required = true };
        var model = new Option<string?>("--model") { Description = $"Architecture: {string.Join(", ", CaptionModelOptions.ArchitectureNames)} (default: the preset's)." };
        var preset = new Option<string>("--preset") { Description = $"Recipe: {string.Join(", ", TrainingPreset.All.Select(p => p.Name))}.", DefaultValueFactory = _ => "brownlee-merge" };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs (default: the preset's)." };
        var batch = new Option<int?>("--batch") { Description = "Captions per step." };
        var lr = new Option<double?>("--lr") { Description = "Adam learning rate." };
        var clip = new Option<double?>("--clip") { Description = "Gradient-norm clipping (0: off)." };
        var patience = new Option<int?>("--patience") { Description = "Early stopping patience in epochs (0: off)." };
        var dropout = new Option<double?>("--dropout") { Description = "Dropout on the word embeddings (and the image feature unless --image-dropout is given); default: the preset's." };
        var imageDropout = new Option<double?>("--image-dropout") { Description = "Dropout on the image feature; default: the preset's." };
        var labelSmoothing = new Option<double?>("--label-smoothing") { Description = "Label smoothing of the training cross-entropy, in [0, 1) (validation loss stays unsmoothed); default: the preset's." };
        var weightDecay = new Option<double?>("--weight-decay") { Description = "Adam's L2 weight decay (>= 0); default: the preset's." };
        var seed = new Option<int?>("--seed") { Description = "Seed for initialisation, shuffling and dropout." };
        var validateEvery = new Option<int?>("--validate-every") { Description = "Also score greedy BLEU-4 and CIDEr-D on the dev split every N epochs (0: off)." };
        var minCount = new Option<int>("--min-count") { Description = "Minimum training count of a vocabulary word.", DefaultValueFactory = _ => 1 };
        var wordVectors = new Option<string?>("--word-vectors") { Description = "Start the word embedding from pretrained vectors: GloVe .txt or fastText .vec, plain or gzip; their dimension must equal the preset's embedding size." };
        var freezeEmbeddings = new Option<bool>("--freeze-embeddings") { Description = "Keep the word embedding as it starts (with --word-vectors: the pretrained vectors); it is not trained." };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (0: one per core)." };
        var deviceOption = DeviceOption.Create();
        var output = new Option<string>("--out") { Description = "Run folder to create (or to continue with --resume).", Required = true };
        var resume = new Option<bool>("--resume") { Description = "Continue an interrupted run in --out from its last finished epoch." };
        var force = new Option<bool>("--force") { Description = "Delete whatever run --out holds and start over." };
        var summary = new Option<bool>("--summary") { Description = "Print the model's layers, output shapes and parameter counts before training." };
        var command = new Command("train", "Train a merge or inject captioner on cached features (resumable; best epoch kept by validation loss).")
        {
            data, features, model, preset, epochs, batch, lr, clip, patience, labelSmoothing, weightDecay, dropout, imageDropout, seed, validateEvery, wordVectors, freezeEmbeddings, minCount, threads, deviceOption, output, resume, force, summary,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var recipe = TrainingPreset.Find(parse.GetValue(preset)!);
            var shape = recipe.Model;
            if (parse.GetValue(model) is { } name) shape = shape with { Architecture = CaptionModelOptions.ParseArchitecture(name) };
            if (parse.GetValue(dropout) is { } p) shape = shape with { Dropout = InRange(p, "--dropout") };
            if (parse.GetValue(imageDropout) is { } q) shape = shape with { ImageDropout = InRange(q, "--image-dropout") };
            var t = recipe.Training;
            t = t with
            {
                Epochs = parse.GetValue(epochs) ?? t.Epochs,
                BatchSize = parse.GetValue(batch) ?? t.BatchSize,
                LearningRate = parse.GetValue(lr) ?? t.LearningRate,
                ClipNorm = parse.GetValue(clip) ?? t.ClipNorm,
                Patience = parse.GetValue(patience) ?? t.Patience,
                Seed = parse.GetValue(seed) ?? t.Seed,
                LabelSmoothing = parse.GetValue(labelSmoothing) ?? t.LabelSmoothing,
                WeightDecay = parse.GetValue(weightDecay) ?? t.WeightDecay,
                ValidateEvery = parse.GetValue(validateEvery) ?? t.ValidateEvery,
                FreezeEmbeddings = parse.GetValue(freezeEmbeddings),
            };
            t.Validate();
            var device = DeviceOption.Resolve(parse, deviceOption);
            TorchRuntime.ConfigureThreads(parse.GetValue(threads));
            if (parse.GetValue(minCount) < 1) throw new CaptioningException($"--min-count must be at least 1, got {parse.GetValue(minCount)}");
            var dataPath = InputPaths.Folder(parse.GetValue(data)!, "--data", "Flickr8k_text/ and Flickr8k_Dataset/");
            InputPaths.File(parse.GetValue(features)!, "--features", "a feature store from `caption extract`");
            var outPath = InputPaths.OutputFolder(parse.GetValue(output)!, "--out");
            // Held until the process ends: before --force deletes, --resume reads, or a new run writes anything.
            using var writing = new RunFolder(outPath).LockForWriting();
            var run = PrepareFolder(outPath, parse.GetValue(resume), parse.GetValue(force));

            var dataset = DatasetPreparer.Load(dataPath, null, new PrepareOptions());
            using var store = FeatureStore.Open(parse.GetValue(features)!);
            var vocabulary = TrainingData.BuildVocabulary(dataset, parse.GetValue(minCount));
            var options = shape.For(vocabulary.Count, store.Dimension);
            // Read before the folder is written or checked: a wrong dimension or a malformed line stops here, and a resume compares the hash.
            var vectors = parse.GetValue(wordVectors) is { } vectorsPath
                ? WordVectors.Load(vectorsPath, vocabulary, options.EmbeddingDimension, recipe.EmbeddingSizeHint($"--preset {recipe.Name}", "--preset"))
                : null;
            var inputs = new RunInputs(Path.GetFullPath(dataPath), store.Path, store.Header.Identity.Encoder, TrainingData.Fingerprint(store),
                vectors?.Coverage.File, vectors?.Coverage.Sha256);
            if (run.HasLastCheckpoint)
            {
                // More epochs, another early-stopping patience or validation cadence may change on resume; the other settings shape the optimisation.
                var saved = run.ReadConfig().Training;
                run.CheckResumable(options, inputs, vocabulary, "keep the original --data, --min-count, --features, --model, --preset, --dropout, --image-dropout, " +
                    "--batch, --lr, --clip, --seed, --label-smoothing, --weight-decay, --word-vectors and --freeze-embeddings, or pass --force to start over",
                    t with { Epochs = saved.Epochs, Patience = saved.Patience, ValidateEvery = saved.ValidateEvery });
            }
            else
            {
                run.Initialise(options, t, inputs, vocabulary);
                vectors?.WriteTo(run);
            }
            if (vectors != null) Console.Error.WriteLine($"word vectors '{vectors.Coverage.File}' ({vectors.Coverage.Format}, {vectors.Coverage.Dimension}-d): {vectors.Coverage}");

            var train = TrainingData.Load(dataset, Split.Train, vocabulary, store);
            var dev = TrainingData.Load(dataset, Split.Dev, vocabulary, store);
            try
            {
                TorchRuntime.ManualSeed(t.Seed);
                // Initialised on the CPU, then moved: a seed gives the same initial weights on every device.
                using var captioner = CaptionModelFactory.Create(options).to(device);
                vectors?.CopyInto(captioner); // a resumed run's checkpoint then overwrites them with the trained rows
                if (parse.GetValue(summary))
                {
                    // The sample pass has the longest training caption's input steps (<start> and the words).
                    var steps = Enumerable.Range(0, train.Captions.Count).Select(train.Captions.Length).DefaultIfEmpty(2).Max() - 1;
                    Console.WriteLine(ModelSummary.Of(captioner, steps));
                }
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{CaptionModelOptions.NameOf(options.Architecture)}: {captioner.ParameterCount():N0} parameters, vocabulary {vocabulary.Count:N0}, {train.Captions.Count:N0} training captions, {store.Header.Identity.Encoder} features ({store.Dimension}), {TorchRuntime.Threads} thread(s), device {device}"));
                var trainer = new Trainer();
                if (t.ValidateEvery > 0) trainer.ValidationMetrics = Evaluation.ValidationScorer.Create(dataset, dev, vocabulary);
                ProgressReporter? bar = null;
                trainer.StepCompleted += p =>
                {
                    var done = (long)(p.Epoch - 1) * p.Steps + p.Step;
                    // Counts from the first report on: a resumed run's earlier epochs and the step just done are not this run's speed.
                    bar ??= new ProgressReporter("train", (long)p.Steps * t.Epochs, "steps", alreadyDone: done);
                    bar.Report(done, ("epoch", $"{p.Epoch}/{t.Epochs}"),
                        ("loss", p.Loss.ToString("F3", CultureInfo.InvariantCulture)), ("tok/s", p.TokensPerSecond.ToString("F0", CultureInfo.InvariantCulture)));
                };
                trainer.EpochCompleted += m => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {m.Epoch}: train loss {m.TrainLoss:F4}, val loss {m.ValidationLoss:F4}, {m.TokensPerSecond:F0} tokens/s{Extra(m)}{(m.IsBest ? " (best, saved)" : "")}"));
                using var cancel = new ConsoleCancellation("after the current step; finished epochs are kept");
                TrainingResult result;
                try
                {
                    result = trainer.Run(captioner, train, dev, t, run, cancel.Token);
                }
                catch (OperationCanceledException)
                {
                    Console.Error.WriteLine($"interrupted: {run.ReadMetrics().Count} finished epoch(s) kept in '{run.Path}'; continue with the same command plus --resume");
                    return 130;
                }
                Console.WriteLine(FormattableString.Invariant(
                    $"{result.StopReason}: {result.EpochsRun} epochs, best epoch {result.BestEpoch} (val loss {result.BestValidationLoss:F4}) -> {run.BestCheckpointPath}"));
                return CommandRunner.Ok;
            }
            finally
            {
                train.Features.Dispose();
                dev.Features.Dispose();
            }
        }));
        return command;
    }

    private static double InRange(double rate, string option) =>
        rate is >= 0 and < 1 ? rate : throw new CaptioningException(string.Create(CultureInfo.InvariantCulture, $"{option} must be in [0, 1), got {rate}"));

    private static string Extra(EpochMetrics m) =>
        m.Extra == null ? "" : string.Concat(m.Extra.Select(kv => string.Create(CultureInfo.InvariantCulture, $", {kv.Key} {kv.Value:F4}")));

    private static RunFolder PrepareFolder(string path, bool resume, bool force)
    {
        if (resume && force) throw new CaptioningException("--resume and --force contradict each other; give one");
        var run = new RunFolder(path);
        var exists = Directory.Exists(run.Path) && Directory.EnumerateFileSystemEntries(run.Path).Any();
        if (!exists)
        {
            if (resume) throw new CaptioningException($"--resume: '{run.Path}' holds no run to continue");
            return run;
        }
        if (force)
        {
            Directory.Delete(run.Path, recursive: true);
            return run;
        }
        if (!resume)
            throw new CaptioningException(run.IsFinished
                ? $"'{run.Path}' already holds a finished run; choose another --out, or pass --force to overwrite it"
                : $"'{run.Path}' holds an unfinished run; pass --resume to continue it or --force to start over");
        if (run.IsFinished) File.Delete(run.FinishedPath); // more epochs requested: continue from the last one
        if (!run.HasLastCheckpoint) throw new CaptioningException($"--resume: '{run.Path}' has no finished epoch to continue from; use --force to start over");
        return run;
    }
}
