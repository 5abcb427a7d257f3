using System.CommandLine;
using System.Text.Json.Nodes;
using Captioning.Data;
using Captioning.Evaluation;
using Captioning.Inference;
using Captioning.Training;

namespace Captioning.Cli.Commands;

/// <summary>`caption evaluate`: decode a split with a run's best model and score it and the baselines.</summary>
internal static class EvaluateCommand
{
    internal static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run folder from `caption train`.", Required = true };
        var split = new Option<string>("--split") { Description = "Split to decode: test or dev.", DefaultValueFactory = _ => "test" };
        var beam = new Option<int>("--beam") { Description = "Beam size (1: greedy).", DefaultValueFactory = _ => 3 };
        var maxLength = new Option<int>("--max-length") { Description = "Most words per caption.", DefaultValueFactory = _ => 20 };
        var alpha = new Option<double>("--length-penalty") { Description = "Length normalisation alpha (Wu et al. 2016); 0 is off." };
        var bootstrapN = new Option<int>("--bootstrap") { Description = "Bootstrap resamples for the 95% intervals (0: none).", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Bootstrap seed.", DefaultValueFactory = _ => 1234 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (0-1 scale) instead of the table." };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (0: one per core)." };
        var deviceOption = DeviceOption.Create();
        var command = new Command("evaluate", "Caption a split with a trained run, write predictions, and score them and two baselines (BLEU, CIDEr-D, ROUGE-L with intervals).")
        {
            run, split, beam, maxLength, alpha, bootstrapN, seed, json, threads, deviceOption,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var which = parse.GetValue(split)!.ToLowerInvariant() switch
            {
                "test" => Split.Test,
                "dev" or "val" => Split.Dev,
                "train" => Split.Train,
                var other => throw new CaptioningException($"unknown --split '{other}'; expected test, dev or train"),
            };
            var device = DeviceOption.Resolve(parse, deviceOption);
            TorchRuntime.ConfigureThreads(parse.GetValue(threads));
            var decode = new DecodeOptions(BeamSize: parse.GetValue(beam), MaxLength: parse.GetValue(maxLength), LengthPenalty: parse.GetValue(alpha));
            decode.Validate(long.MaxValue); // the option ranges now; the beam-vs-vocabulary bound once the run is loaded
            if (!double.IsFinite(decode.LengthPenalty)) throw new CaptioningException($"--length-penalty must be a finite number >= 0, got {decode.LengthPenalty}");
            if (parse.GetValue(bootstrapN) < 0) throw new CaptioningException($"--bootstrap must be 0 or more, got {parse.GetValue(bootstrapN)}");
            var folder = new RunFolder(InputPaths.Folder(parse.GetValue(run)!, "--run", "a trained run from `caption train`"));
            var result = RunEvaluator.Evaluate(folder, which, decode, new BootstrapOptions(parse.GetValue(bootstrapN), parse.GetValue(seed)), device);
            if (parse.GetValue(json))
            {
                // The decoding settings go beside the scores (the bootstrap's are already there), so a saved JSON says how its captions were made.
                var output = JsonNode.Parse(RunEvaluator.Json(result))!.AsObject();
                output["decode"] = new JsonObject { ["beam"] = decode.BeamSize, ["max_length"] = decode.MaxLength, ["length_penalty"] = decode.LengthPenalty };
                Console.WriteLine(output.ToJsonString());
                return;
            }
            Console.WriteLine($"{folder.Path} on {which} ({result.Model.Images} images, beam {decode.BeamSize}, device {device}); predictions: {result.PredictionsPath}");
            Console.WriteLine();
            Console.Write(ScoreFormat.Table(result.Model));
            foreach (var (name, report) in result.Baselines)
            {
                Console.WriteLine();
                Console.WriteLine($"baseline: {name}");
                Console.Write(ScoreFormat.Table(report));
            }
        }));
        return command;
    }
}
