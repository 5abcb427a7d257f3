using System.CommandLine;
using Captioning.Data;
using Captioning.Features;
using Captioning.Models;
using Captioning.Training;
using TorchSharp;

namespace Captioning.Cli.Commands;

/// <summary>`caption describe-model`: the layer summary of a preset's model, built with fresh weights and never trained.</summary>
internal static class DescribeModelCommand
{
    internal static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = $"Recipe: {string.Join(", ", TrainingPreset.All.Select(p => p.Name))}.", DefaultValueFactory = _ => "brownlee-merge" };
        var model = new Option<string?>("--model") { Description = $"Architecture: {string.Join(", ", CaptionModelOptions.ArchitectureNames)} (default: the preset's)." };
        var vocab = new Option<long?>("--vocab") { Description = "Vocabulary size (default: the preset's source: brownlee-merge 7,579, keras-ic 2,536, demo 82)." };
        var featureDim = new Option<int?>("--feature-dim") { Description = "Image feature width (default: the preset's encoder: vgg16 4,096, inception-v3 2,048, small-cnn 288)." };
        var length = new Option<int?>("--length") { Description = "Caption input steps of the sample pass (default: the preset's longest caption, 34 for brownlee-merge)." };
        var diagram = new Option<string?>("--diagram") { Description = "Also write the layer diagram as an SVG file to this path." };
        var deviceOption = DeviceOption.Create();
        var command = new Command("describe-model", "Print a model's layers, output shapes and parameter counts (Keras-style summary) without training.")
        {
            preset, model, vocab, featureDim, length, diagram, deviceOption,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            // Every option is checked before the model is built, so a typo never costs the sample pass.
            var device = DeviceOption.Resolve(parse, deviceOption);
            var diagramPath = parse.GetValue(diagram) is { } given ? Path.GetFullPath(InputPaths.OutputFile(given, "--diagram")) : null;
            if (parse.GetValue(vocab) is < 4 and var badVocab)
                throw new CaptioningException($"--vocab must be at least 4 (the special tokens), got {badVocab}");
            if (parse.GetValue(featureDim) is < 1 and var badWidth)
                throw new CaptioningException($"--feature-dim must be at least 1, got {badWidth}");
            var recipe = TrainingPreset.Find(parse.GetValue(preset)!);
            var shape = recipe.Model;
            if (parse.GetValue(model) is { } name) shape = shape with { Architecture = CaptionModelOptions.ParseArchitecture(name) };
            var steps = parse.GetValue(length) ?? recipe.MaxLength;
            if (steps < 1) throw new CaptioningException($"--length must be at least 1, got {steps}");
            var options = shape.For(parse.GetValue(vocab) ?? recipe.VocabularySize, parse.GetValue(featureDim) ?? EncoderNames.FeatureDimension(recipe.Encoder)).Validate();
            TorchRuntime.ManualSeed(recipe.Training.Seed);
            // Initialised on the CPU, then moved, as `caption train` does: the same weights on every device.
            using var captioner = CaptionModelFactory.Create(options).to(device);
            var summary = ModelSummary.Of(captioner, steps);
            Console.WriteLine(summary);
            if (diagramPath != null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(diagramPath)!);
                AtomicFile.WriteAllText(diagramPath, ModelDiagram.Of(summary).ToSvg());
                Console.WriteLine($"diagram: {diagramPath}");
            }
            return CommandRunner.Ok;
        }));
        return command;
    }
}
