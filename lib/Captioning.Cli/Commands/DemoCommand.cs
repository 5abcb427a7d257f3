using System.CommandLine;
using System.Globalization;
using Captioning.Data;
using Captioning.Evaluation;
using Captioning.Inference;
using Captioning.Models;
using Captioning.Training;

namespace Captioning.Cli.Commands;

/// <summary>
/// `caption demo`: the whole pipeline on the embedded synthetic dataset, as the same verbs a user
/// would type (each printed before it runs), then every model and both baselines scored on the test
/// split and an HTML summary. Finished stages are skipped on a rerun; --fresh starts over.
/// </summary>
internal static class DemoCommand
{
    internal static Command Create()
    {
        var fresh = new Option<bool>("--fresh") { Description = "Delete earlier demo output and start over instead of resuming finished stages." };
        var dir = new Option<string>("--dir") { Description = "Folder for the demo's data, features, runs and report.", DefaultValueFactory = _ => Path.Combine("runs", "demo") };
        var images = new Option<int>("--images") { Description = "Synthetic images to generate.", DefaultValueFactory = _ => 2000 };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs per caption model (default: the demo preset's)." };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (0: one per core)." };
        var command = new Command("demo", "Run the whole workbook on the embedded synthetic dataset: data, features, merge vs inject training, evaluation, report.")
        {
            fresh, dir, images, epochs, threads,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            // Every option is checked before stage 1: a bad value found by a later stage would surface
            // after minutes of work and below the stage banners.
            new SyntheticSettings(parse.GetValue(images), 1, 112).Validate();
            if (parse.GetValue(epochs) is < 1) throw new CaptioningException($"--epochs must be at least 1, got {parse.GetValue(epochs)}");
            if (parse.GetValue(threads) < 0) throw new CaptioningException($"--threads must be 0 (one per core) or more, got {parse.GetValue(threads)}");
            var root = Path.GetFullPath(InputPaths.OutputFolder(parse.GetValue(dir)!, "--dir"));
            if (parse.GetValue(fresh) && Directory.Exists(root)) Directory.Delete(root, recursive: true);
            Directory.CreateDirectory(root);
            var threadArgs = new[] { "--threads", parse.GetValue(threads).ToString(CultureInfo.InvariantCulture) };
            var data = Path.Combine(root, "data");
            var features = Path.Combine(root, "small-cnn.feat");
            var epochArgs = parse.GetValue(epochs) is { } e ? new[] { "--epochs", e.ToString(CultureInfo.InvariantCulture) } : [];
            var clock = System.Diagnostics.Stopwatch.StartNew();

            Stage(1, "generate the synthetic dataset", ["data", "synth", "--out", data, "--images", parse.GetValue(images).ToString(CultureInfo.InvariantCulture), "--seed", "1", "--size", "112"]);
            Stage(2, "train the small CNN on caption words and extract its features", ["extract", "--data", data, "--encoder", "small-cnn", "--out", features, .. threadArgs]);
            var runs = new List<(string Name, RunFolder Run)>();
            var step = 3;
            foreach (var name in CaptionModelOptions.ArchitectureNames)
            {
                var run = new RunFolder(Path.Combine(root, "runs", name));
                runs.Add((name, run));
                if (run.IsFinished)
                {
                    Console.Error.WriteLine($"[demo {step++}/8] {name}: already trained ({run.Path})");
                    continue;
                }
                string[] resume = run.HasLastCheckpoint ? ["--resume"] : [];
                Stage(step++, $"train the {name} captioner", ["train", "--data", data, "--features", features, "--preset", "demo", "--model", name,
                    "--out", run.Path, .. epochArgs, .. threadArgs, .. resume]);
            }

            Console.Error.WriteLine("[demo 7/8] evaluate every model and both baselines on the test split (beam 3, 1000 bootstrap resamples)");
            var results = runs.Select(r => new DemoRun(r.Name, r.Run, RunEvaluator.Evaluate(r.Run, Split.Test, DecodeOptions.Beam3))).ToList();
            Console.Error.WriteLine("[demo 8/8] write the report");
            var report = DemoReport.Write(Path.Combine(root, "report"), data, results);

            Console.WriteLine();
            Console.WriteLine(DemoReport.Table(results));
            Console.WriteLine(FormattableString.Invariant($"demo finished in {clock.Elapsed.TotalMinutes:F1} min; report: {report}"));
            Console.WriteLine($"caption new photos:  caption describe --run {runs[0].Run.Path} {Path.Combine(data, "Flickr8k_Dataset", SyntheticDataset.FileName(0))}");
        }));
        return command;
    }

    // Runs one verb of this CLI in-process; a failing stage stops the demo with that verb's exit code.
    private static void Stage(int number, string what, string[] args)
    {
        Console.Error.WriteLine($"[demo {number}/8] {what}");
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
