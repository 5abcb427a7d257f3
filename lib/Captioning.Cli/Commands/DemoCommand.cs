using System.CommandLine;
using System.Globalization;
using Captioning.Data;
using Captioning.Evaluation;
using Captioning.Features;
using Captioning.Inference;
using Captioning.Models;
using Captioning.Notebooks;
using Captioning.Workbook;

namespace Captioning.Cli.Commands;

/// <summary>
/// `caption demo`: generates the embedded synthetic dataset, then runs the five workbook notebooks headless
/// against one work folder and writes the executed notebooks (.ipynb + HTML) with an index page, and prints
/// the test-split table of every model and both baselines. Finished stages are skipped on a rerun
/// (each notebook step reuses what is done and resumes interrupted training); --fresh starts over.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The decoding and resampling of the closing table; notebook 04's defaults, so its cached evaluation is reused.</summary>
    internal static readonly DecodeOptions TableDecode = new(BeamSize: 3);

    internal static readonly BootstrapOptions TableBootstrap = new(Resamples: 1000);

    /// <summary>The encoders the demo can use: those that need no weights file from the user.</summary>
    internal static readonly IReadOnlyList<string> DemoEncoders = [EncoderNames.SmallCnn, EncoderNames.ResNet18MlNet];

    /// <summary>
    /// The demo's encoder unless --encoder says otherwise: resnet18-mlnet, whose pretrained features gave every caption model
    /// a clearly higher test CIDEr-D than small-cnn's (docs/features.md, "small-cnn or resnet18-mlnet").
    /// </summary>
    internal const string DefaultEncoder = EncoderNames.ResNet18MlNet;

    internal static Command Create()
    {
        var fresh = new Option<bool>("--fresh") { Description = "Delete earlier demo output and start over instead of resuming finished stages." };
        var dir = new Option<string>("--dir") { Description = "Folder for the demo's data, features, runs and report.", DefaultValueFactory = _ => Path.Combine("runs", "demo") };
        var images = new Option<int>("--images") { Description = "Synthetic images to generate.", DefaultValueFactory = _ => 2000 };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs per caption model (default: the demo preset's)." };
        var cnnEpochs = new Option<int?>("--cnn-epochs") { Description = "small-cnn training epochs (default: the library's)." };
        var encoder = new Option<string>("--encoder") { Description = $"Image encoder of the features: {string.Join(" or ", DemoEncoders)} (the ones that need no weights file).", DefaultValueFactory = _ => DefaultEncoder };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (0: one per core)." };
        var deviceOption = DeviceOption.Create();
        var notebooks = new Option<string?>("--notebooks") { Description = "Folder holding the workbook's NN-*.dib notebooks (default: notebooks/ of this checkout)." };
        var command = new Command("demo", "Run the whole workbook on the embedded synthetic dataset: data, then the five notebooks headless (features, merge vs inject training, evaluation, new photos) and their report.")
        {
            fresh, dir, images, epochs, cnnEpochs, encoder, threads, deviceOption, notebooks,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            // Every option is checked before stage 1: a bad value found by a later stage would surface
            // after minutes of work and below the stage banners.
            new SyntheticSettings(parse.GetValue(images), 1, 112).Validate();
            if (parse.GetValue(epochs) is < 1) throw new CaptioningException($"--epochs must be at least 1, got {parse.GetValue(epochs)}");
            if (parse.GetValue(cnnEpochs) is < 1) throw new CaptioningException($"--cnn-epochs must be at least 1, got {parse.GetValue(cnnEpochs)}");
            if (!DemoEncoders.Contains(parse.GetValue(encoder)!))
                throw new CaptioningException($"--encoder '{parse.GetValue(encoder)}' cannot run in the demo; expected {string.Join(" or ", DemoEncoders)} (the others need a weights file: run the notebooks with weightsPath)");
            if (parse.GetValue(threads) < 0) throw new CaptioningException($"--threads must be 0 (one per core) or more, got {parse.GetValue(threads)}");
            // Resolving the device loads the natives: a failure is one line now, not inside notebook 02.
            var device = DeviceOption.Resolve(parse, deviceOption);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var folders = new WorkbookFolders(InputPaths.OutputFolder(parse.GetValue(dir)!, "--dir"));
            var files = NotebookFiles(parse.GetValue(notebooks));
            PlotlyAsset.Locate(); // the report needs it: fail now, not after minutes of training
            // The demo's whole folder, before --fresh deletes it; each stage also locks its own subfolder (other lock files).
            using var writing = WriterLock.Acquire(folders.Root, "demo folder");
            if (parse.GetValue(fresh) && Directory.Exists(folders.Root)) Directory.Delete(folders.Root, recursive: true);
            Directory.CreateDirectory(folders.Root);
            var count = parse.GetValue(images);
            var stages = files.Count + 1;

            Stage(1, stages, "generate the synthetic dataset", ["data", "synth", "--out", folders.SyntheticData, "--images", Invariant(count), "--seed", "1",
                "--size", Invariant(WorkbookData.SyntheticImageSize)]);
            var parameters = new Dictionary<string, string>
            {
                ["workDir"] = folders.Root,
                ["images"] = Invariant(count),
                ["threads"] = Invariant(parse.GetValue(threads)),
                ["device"] = parse.GetValue(deviceOption)!,
                ["beamSize"] = Invariant(TableDecode.BeamSize),
                ["bootstrap"] = Invariant(TableBootstrap.Resamples),
                ["encoder"] = parse.GetValue(encoder)!,
            };
            if (parse.GetValue(epochs) is { } e) parameters["epochs"] = Invariant(e);
            if (parse.GetValue(cnnEpochs) is { } c) parameters["cnnEpochs"] = Invariant(c);

            var runs = new List<NotebookRun>();
            // Cells' own lines (epochs, extraction progress) are echoed to the terminal as they happen.
            var runner = new NotebookRunner { Log = Console.Out, Echo = Console.Out };
            using var cancel = new ConsoleCancellation(ConsoleCancellation.TheRunningCell);
            for (var i = 0; i < files.Count; i++)
            {
                var notebook = DibParser.Load(files[i]);
                Console.Error.WriteLine($"[demo {i + 2}/{stages}] notebook {notebook.Name}: {notebook.Title}");
                var run = runner.RunAsync(notebook, parameters, ignoreUnknownParameters: true, cancel.Token).GetAwaiter().GetResult();
                NotebookReport.Write(run, folders.Report);
                runs.Add(run);
                if (cancel.Token.IsCancellationRequested)
                {
                    NotebookReport.WriteIndex(runs, folders.Report);
                    cancel.Token.ThrowIfCancellationRequested();
                }
                if (!run.Succeeded)
                {
                    NotebookReport.WriteIndex(runs, folders.Report);
                    throw new DemoStageFailedException(1, run.FailureSummary() +
                        $"\ndemo stopped in {notebook.Name} (partial report in '{folders.Report}'); fix the error and rerun the demo to continue where it stopped");
                }
            }
            var index = NotebookReport.WriteIndex(runs, folders.Report);

            // Notebook 04 evaluated every model with these settings; the cache hands its results back.
            var experiment = Experiment.Current(folders);
            var scored = EvaluationCache.EvaluateAll(folders, experiment.Architectures, Split.Test, TableDecode, TableBootstrap, device: device);
            Console.WriteLine();
            Console.WriteLine(ScoreTables.Text(scored, TableDecode.BeamSize));
            Console.WriteLine(FormattableString.Invariant($"demo finished in {clock.Elapsed.TotalMinutes:F1} min; report: {index}"));
            Console.WriteLine($"caption new photos:  caption describe --run {experiment.Run(experiment.Architectures[0]).Path} {Path.Combine(folders.SyntheticData, "Flickr8k_Dataset", SyntheticDataset.FileName(0))}");
        }));
        return command;
    }

    /// <summary>The workbook's NN-*.dib notebooks in order: from <paramref name="folder"/>, or notebooks/ of the checkout this CLI was built in or run from.</summary>
    internal static IReadOnlyList<string> NotebookFiles(string? folder)
    {
        var candidates = folder != null ? [Path.GetFullPath(folder)] : Ancestors(AppContext.BaseDirectory).Concat(Ancestors(Environment.CurrentDirectory))
            .Select(d => Path.Combine(d, "notebooks")).ToList();
        foreach (var candidate in candidates)
        {
            if (!Directory.Exists(candidate)) continue;
            var files = DibParser.NumberedFiles(candidate);
            if (files.Count > 0) return files;
        }
        throw new CaptioningException(folder != null
            ? $"--notebooks '{Path.GetFullPath(folder)}' holds no NN-*.dib notebooks (e.g. 01-data-preparation.dib)"
            : $"no notebooks/ folder with NN-*.dib notebooks found above '{AppContext.BaseDirectory}' or '{Environment.CurrentDirectory}'; pass --notebooks DIR");
    }

    private static IEnumerable<string> Ancestors(string start)
    {
        for (var d = new DirectoryInfo(start); d != null; d = d.Parent) yield return d.FullName;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    // Runs one verb of this CLI in-process; a failing stage stops the demo with that verb's exit code.
    private static void Stage(int number, int stages, string what, string[] args)
    {
        Console.Error.WriteLine($"[demo {number}/{stages}] {what}");
        Console.Error.WriteLine($"  $ caption {string.Join(' ', args.Select(a => a.Contains(' ') ? $"\"{a}\"" : a))}");
        var code = Program.Run(args);
        if (code != 0) throw new DemoStageFailedException(code, $"demo stopped: `caption {args[0]}` exited with code {code}; fix the error above and rerun the demo to continue where it stopped");
    }
}

/// <summary>A demo stage failed; carries the stage's exit code.</summary>
internal sealed class DemoStageFailedException(int exitCode, string message) : CaptioningException(message)
{
    internal int ExitCode { get; } = exitCode;
}
