using System.CommandLine;
using System.Text.Json;
using Captioning.Inference;
using Captioning.Data;
using Captioning.Training;

namespace Captioning.Cli.Commands;

/// <summary>`caption describe`: caption new photos with a trained run.</summary>
internal static class DescribeCommand
{
    internal static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run folder from `caption train`.", Required = true };
        var weights = new Option<string?>("--weights") { Description = "Encoder weights the run's features were extracted with (small-cnn: found beside the feature store)." };
        var beam = new Option<int>("--beam") { Description = "Beam size (1: greedy).", DefaultValueFactory = _ => 3 };
        var maxLength = new Option<int>("--max-length") { Description = "Most words per caption.", DefaultValueFactory = _ => 20 };
        var json = new Option<bool>("--json") { Description = "Print a JSON array of {image, caption, log_probability}." };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (0: one per core)." };
        var deviceOption = DeviceOption.Create();
        var images = new Argument<string[]>("images") { Description = "JPEG or PNG files to caption.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("describe", "Caption new photos with a trained run (one line per image: path, tab, caption).")
        {
            run, weights, beam, maxLength, json, threads, deviceOption, images,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var device = DeviceOption.Resolve(parse, deviceOption);
            TorchRuntime.ConfigureThreads(parse.GetValue(threads));
            var decode = new DecodeOptions(BeamSize: parse.GetValue(beam), MaxLength: parse.GetValue(maxLength));
            decode.Validate(long.MaxValue); // the option ranges now; the beam-vs-vocabulary bound once the run is loaded
            var paths = parse.GetValue(images)!;
            // Decoding every photo first costs milliseconds and turns a bad file into an error before the model loads.
            foreach (var path in paths)
            {
                InputPaths.File(path, "image", "a JPEG or PNG file");
                try
                {
                    ImageCodec.LoadTensor(path).Dispose();
                }
                catch (CaptioningException e)
                {
                    throw new CaptioningException($"{e.Message}; expected a JPEG or PNG file", e);
                }
            }
            var folder = new RunFolder(InputPaths.Folder(parse.GetValue(run)!, "--run", "a trained run from `caption train`"));
            if (parse.GetValue(weights) is { } w) InputPaths.File(w, "--weights", "the encoder weights the run's features were extracted with");
            using var captioner = PhotoCaptioner.Open(folder, parse.GetValue(weights), device);
            var captions = captioner.Describe(paths, decode);
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(captions.Select(c => new { image = c.Path, caption = c.Caption, log_probability = c.LogProbability })));
            else
                foreach (var c in captions) Console.WriteLine($"{c.Path}\t{c.Caption}");
        }));
        return command;
    }
}
