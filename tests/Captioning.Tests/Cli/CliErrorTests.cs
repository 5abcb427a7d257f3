using System.CommandLine;
using Captioning.Cli;
using Xunit;

namespace Captioning.Tests.Cli;

/// <summary>
/// Every verb given a missing path, a bad option value and an unreadable file (and, where it writes,
/// an output path inside a file) exits with code 1 and one stderr line naming the culprit.
/// </summary>
/// <remarks>
/// Verbs without a case, and why: `data synth`, `demo` and `bench` read no input file (no missing or
/// unreadable case; `data synth` and `demo` get output cases instead); `info` takes no path and no
/// option value, so it only has the unknown-option case. `report png`'s unreadable case is a folder,
/// not garbage bytes: Chromium renders any bytes as a page. The `weights` verbs take no option values,
/// so their bad-value case is a surplus argument. Every verb also runs in
/// <see cref="Run_ExitsOneWithOneLineForAnUnknownOption"/>.
/// </remarks>
public class CliErrorTests(CliErrorFixture files) : NativeLeakGuard, IClassFixture<CliErrorFixture>
{
    private const string Missing = "missing";
    private const string BadValue = "bad value";
    private const string Unreadable = "unreadable";
    private const string Output = "output";

    /// <summary>(verb, case, args with {root}, text the one line must contain).</summary>
    private static readonly (string Verb, string Case, string[] Args, string Expected)[] Cases =
    [
        ("data synth", BadValue, ["data", "synth", "--out", "{root}/s", "--images", "-5"], "--images"),
        ("data synth", BadValue, ["data", "synth", "--out", "{root}/s", "--images", "8", "--threads", "-3"], "--threads"),
        ("data synth", BadValue, ["data", "synth", "--images", "abc"], "--images"),
        ("data synth", Output, ["data", "synth", "--out", "{root}/afile.txt/s", "--images", "8"], "{root}/afile.txt"),
        ("data synth", Output, ["data", "synth", "--out", "{root}/afile.txt", "--images", "8"], "{root}/afile.txt"),

        ("prepare", Missing, ["prepare", "--data", "{root}/nope", "--out", "{root}/p"], "{root}/nope"),
        ("prepare", Missing, ["prepare", "--data", "{root}/empty-data", "--karpathy", "{root}/nope.json", "--out", "{root}/p"], "{root}/nope.json"),
        ("prepare", Missing, ["prepare", "--out", "{root}/p"], "--data"),
        ("prepare", BadValue, ["prepare", "--data", "{root}/empty-data", "--out", "{root}/p", "--min-count", "-1"], "--min-count"),
        ("prepare", BadValue, ["prepare", "--data", "{root}/empty-data", "--out", "{root}/p", "--restval", "nope"], "--restval"),
        ("prepare", Unreadable, ["prepare", "--data", "{root}/garbage.bin", "--out", "{root}/p"], "{root}/garbage.bin"),
        ("prepare", Unreadable, ["prepare", "--data", "{root}/empty-data", "--karpathy", "{root}/garbage.bin", "--out", "{root}/p"], "{root}/garbage.bin"),
        ("prepare", Unreadable, ["prepare", "--data", "{root}/empty-data", "--karpathy", "{root}/adir", "--out", "{root}/p"], "{root}/adir"),
        ("prepare", Unreadable, ["prepare", "--data", "{root}/baddata", "--out", "{root}/p"], "{root}/baddata/Flickr8k_text/Flickr8k.token.txt"),
        ("prepare", Output, ["prepare", "--data", "{root}/empty-data", "--out", "{root}/afile.txt/p"], "{root}/afile.txt"),

        ("extract", Missing, ["extract", "--data", "{root}/nope", "--encoder", "small-cnn", "--out", "{root}/e.feat"], "{root}/nope"),
        ("extract", Missing, ["extract", "--data", "{root}/empty-data", "--encoder", "vgg16", "--weights", "{root}/nope.pth", "--out", "{root}/e.feat"], "{root}/nope.pth"),
        ("extract", BadValue, ["extract", "--data", "{root}/empty-data", "--encoder", "foo", "--out", "{root}/e.feat"], "--encoder"),
        ("extract", BadValue, ["extract", "--data", "{root}/empty-data", "--encoder", "small-cnn", "--dtype", "float8", "--out", "{root}/e.feat"], "--dtype"),
        ("extract", BadValue, ["extract", "--data", "{root}/empty-data", "--encoder", "small-cnn", "--batch", "0", "--out", "{root}/e.feat"], "--batch"),
        ("extract", BadValue, ["extract", "--data", "{root}/empty-data", "--encoder", "small-cnn", "--cnn-epochs", "-1", "--out", "{root}/e.feat"], "--cnn-epochs"),
        ("extract", BadValue, ["extract", "--data", "{root}/empty-data", "--encoder", "small-cnn", "--cnn-size", "0", "--out", "{root}/e.feat"], "--cnn-size must be at least 16 pixels, got 0"),
        ("extract", BadValue, ["extract", "--data", "{root}/empty-data", "--encoder", "small-cnn", "--threads", "-2", "--out", "{root}/e.feat"], "--threads must be 0 (one per core) or more, got -2"),
        ("extract", Unreadable, ["extract", "--data", "{root}/data", "--encoder", "small-cnn", "--weights", "{root}/garbage.bin", "--out", "{root}/e.feat"], "{root}/garbage.bin"),
        ("extract", Missing, ["extract", "--data", "{root}/empty-data", "--encoder", "resnet18-mlnet", "--weights", "{root}/nope.onnx", "--out", "{root}/e.feat"], "{root}/nope.onnx"),
        ("extract", Unreadable, ["extract", "--data", "{root}/data", "--encoder", "resnet18-mlnet", "--weights", "{root}/garbage.bin", "--out", "{root}/e.feat"], "'{root}/garbage.bin' is not a readable ONNX model"),
        ("extract", Unreadable, ["extract", "--data", "{root}/empty-data", "--encoder", "resnet50", "--weights", "{root}/adir", "--out", "{root}/e.feat"], "{root}/adir"),
        ("extract", Unreadable, ["extract", "--data", "{root}/garbage.bin", "--encoder", "small-cnn", "--out", "{root}/e.feat"], "{root}/garbage.bin"),
        ("extract", Output, ["extract", "--data", "{root}/empty-data", "--encoder", "small-cnn", "--out", "{root}/afile.txt/e.feat"], "{root}/afile.txt"),
        ("extract", Output, ["extract", "--data", "{root}/empty-data", "--encoder", "small-cnn", "--out", "{root}/adir"], "{root}/adir"),

        ("train", Missing, ["train", "--data", "{root}/nope", "--features", "{root}/garbage.bin", "--out", "{root}/r"], "{root}/nope"),
        ("train", Missing, ["train", "--data", "{root}/empty-data", "--features", "{root}/nope.feat", "--out", "{root}/r"], "{root}/nope.feat"),
        ("train", BadValue, ["train", "--data", "{root}/empty-data", "--features", "{root}/garbage.bin", "--model", "nope", "--out", "{root}/r"], "nope"),
        ("train", BadValue, ["train", "--data", "{root}/empty-data", "--features", "{root}/garbage.bin", "--preset", "nope", "--out", "{root}/r"], "nope"),
        ("train", BadValue, ["train", "--data", "{root}/empty-data", "--features", "{root}/garbage.bin", "--epochs", "-1", "--out", "{root}/r"], "--epochs"),
        ("train", BadValue, ["train", "--data", "{root}/empty-data", "--features", "{root}/garbage.bin", "--min-count", "0", "--out", "{root}/r"], "--min-count"),
        ("train", BadValue, ["train", "--data", "{root}/empty-data", "--features", "{root}/garbage.bin", "--dropout", "1", "--out", "{root}/r"], "--dropout must be in [0, 1), got 1"),
        ("train", BadValue, ["train", "--data", "{root}/empty-data", "--features", "{root}/garbage.bin", "--image-dropout", "-0.5", "--out", "{root}/r"], "--image-dropout must be in [0, 1), got -0.5"),
        ("train", BadValue, ["train", "--data", "{root}/empty-data", "--features", "{root}/garbage.bin", "--device", "cuda", "--out", "{root}/r"], "--device cuda: CUDA is not available"),
        ("train", BadValue, ["train", "--data", "{root}/empty-data", "--features", "{root}/garbage.bin", "--device", "bogus", "--out", "{root}/r"], "--device bogus: expected one of auto, cpu, cuda, cuda:N"),
        ("train", Unreadable, ["train", "--data", "{root}/data", "--features", "{root}/garbage.bin", "--out", "{root}/r"], "{root}/garbage.bin"),
        ("train", Unreadable, ["train", "--data", "{root}/empty-data", "--features", "{root}/adir", "--out", "{root}/r"], "{root}/adir"),
        ("train", Unreadable, ["train", "--data", "{root}/baddata", "--features", "{root}/garbage.bin", "--out", "{root}/r"], "{root}/baddata/Flickr8k_text/Flickr8k.token.txt"),
        ("train", Output, ["train", "--data", "{root}/empty-data", "--features", "{root}/garbage.bin", "--out", "{root}/afile.txt/r"], "{root}/afile.txt"),

        ("evaluate", Missing, ["evaluate", "--run", "{root}/nope"], "{root}/nope"),
        ("evaluate", BadValue, ["evaluate", "--run", "{root}/badrun", "--split", "nope"], "--split"),
        ("evaluate", BadValue, ["evaluate", "--run", "{root}/badrun", "--beam", "0"], "--beam"),
        ("evaluate", BadValue, ["evaluate", "--run", "{root}/badrun", "--bootstrap", "-1"], "--bootstrap"),
        ("evaluate", BadValue, ["evaluate", "--run", "{root}/badrun", "--device", "cuda"], "--device cuda: CUDA is not available"),
        ("evaluate", BadValue, ["evaluate", "--run", "{root}/badrun", "--device", "bogus"], "--device bogus: expected one of auto, cpu, cuda, cuda:N"),
        ("evaluate", BadValue, ["evaluate", "--run", "{root}/badrun", "--device", "cuda:x"], "--device cuda:x: expected cuda or cuda:N with N a device number"),
        ("evaluate", Unreadable, ["evaluate", "--run", "{root}/badrun"], "{root}/badrun/config.json"),
        ("evaluate", Unreadable, ["evaluate", "--run", "{root}/afile.txt"], "{root}/afile.txt"),

        ("describe", Missing, ["describe", "--run", "{root}/badrun", "{root}/nope.jpg"], "{root}/nope.jpg"),
        ("describe", Missing, ["describe", "--run", "{root}/nope", "{root}/photo.png"], "{root}/nope"),
        ("describe", BadValue, ["describe", "--run", "{root}/badrun", "--beam", "0", "{root}/photo.png"], "--beam"),
        ("describe", BadValue, ["describe", "--run", "{root}/badrun", "--max-length", "0", "{root}/photo.png"], "--max-length"),
        ("describe", BadValue, ["describe", "--run", "{root}/badrun", "--device", "cuda", "{root}/photo.png"], "--device cuda: CUDA is not available"),
        ("describe", BadValue, ["describe", "--run", "{root}/badrun", "--device", "bogus", "{root}/photo.png"], "--device bogus: expected one of auto, cpu, cuda, cuda:N"),
        ("describe", Unreadable, ["describe", "--run", "{root}/badrun", "{root}/garbage.bin"], "{root}/garbage.bin"),
        ("describe", Unreadable, ["describe", "--run", "{root}/badrun", "{root}/adir"], "{root}/adir"),
        ("describe", Unreadable, ["describe", "--run", "{root}/badrun", "{root}/photo.png"], "{root}/badrun/config.json"),

        ("score", Missing, ["score", "--references", "{root}/nope.txt", "--predictions", "{root}/preds.txt"], "{root}/nope.txt"),
        ("score", Missing, ["score", "--references", "{root}/refs.txt", "--predictions", "{root}/nope.tsv"], "{root}/nope.tsv"),
        ("score", Missing, ["score", "--references", "{root}/refs.txt", "--predictions", "{root}/preds.txt", "--split", "{root}/nope"], "{root}/nope"),
        ("score", Missing, ["score", "--references", "{root}/refs.txt", "--predictions", "{root}/preds.txt", "--compare", "{root}/nope"], "{root}/nope"),
        ("score", BadValue, ["score", "--references", "{root}/refs.txt", "--predictions", "{root}/preds.txt", "--bootstrap", "-1"], "--bootstrap"),
        ("score", BadValue, ["score", "--references", "{root}/refs.txt", "--predictions", "{root}/preds.txt", "--seed", "x"], "--seed"),
        ("score", Unreadable, ["score", "--references", "{root}/garbage.bin", "--predictions", "{root}/preds.txt"], "{root}/garbage.bin"),
        ("score", Unreadable, ["score", "--references", "{root}/refs.txt", "--predictions", "{root}/garbage.bin"], "{root}/garbage.bin"),
        ("score", Unreadable, ["score", "--references", "{root}/refs.txt", "--predictions", "{root}/adir"], "{root}/adir"),

        ("info", BadValue, ["info", "extra"], "extra"),
        ("describe-model", BadValue, ["describe-model", "--vocab", "0"], "--vocab must be at least 4 (the special tokens), got 0"),
        ("describe-model", BadValue, ["describe-model", "--feature-dim", "-3"], "--feature-dim must be at least 1, got -3"),
        ("describe-model", BadValue, ["describe-model", "--model", "nope"], "unknown model 'nope'"),
        ("describe-model", BadValue, ["describe-model", "--device", "bogus"], "--device bogus: expected one of auto, cpu, cuda, cuda:N"),
        ("describe-model", BadValue, ["describe-model", "--preset", "nope"], "nope"),
        ("describe-model", Unreadable, ["describe-model", "--diagram", "{root}/garbage.bin/x.svg"], "--diagram '{root}/garbage.bin/x.svg'"),

        ("demo", BadValue, ["demo", "--dir", "{root}/d", "--images", "-1"], "--images"),
        ("demo", BadValue, ["demo", "--dir", "{root}/d", "--epochs", "0"], "--epochs"),
        ("demo", BadValue, ["demo", "--dir", "{root}/d", "--threads", "-1"], "--threads"),
        ("demo", BadValue, ["demo", "--dir", "{root}/d", "--encoder", "vgg16"], "--encoder 'vgg16' cannot run in the demo; expected small-cnn or resnet18-mlnet"),
        ("demo", BadValue, ["demo", "--dir", "{root}/d", "--device", "cuda"], "--device cuda: CUDA is not available"),
        ("demo", Output, ["demo", "--dir", "{root}/afile.txt/d"], "{root}/afile.txt"),
        ("demo", Output, ["demo", "--dir", "{root}/afile.txt"], "{root}/afile.txt"),

        ("notebook run", Missing, ["notebook", "run", "{root}/nope.dib", "--out", "{root}/o"], "{root}/nope.dib"),
        ("notebook run", Missing, ["notebook", "run", "--out", "{root}/o"], "(file)"),
        ("notebook run", BadValue, ["notebook", "run", "{root}/nbs/01-a.dib", "--set", "epochs", "--out", "{root}/o"], "--set"),
        ("notebook run", BadValue, ["notebook", "run", "{root}/nbs/01-a.dib", "--set", "nope=1", "--out", "{root}/o"], "nope"),
        ("notebook run", Unreadable, ["notebook", "run", "{root}/garbage.bin", "--out", "{root}/o"], "{root}/garbage.bin"),
        ("notebook run", Unreadable, ["notebook", "run", "{root}/nbsbad/01-x.dib", "--out", "{root}/o"], "{root}/nbsbad/01-x.dib"),
        ("notebook run", Unreadable, ["notebook", "run", "{root}/adir", "--out", "{root}/o"], "{root}/adir"),
        ("notebook run", Output, ["notebook", "run", "{root}/nbs/01-a.dib", "--out", "{root}/afile.txt/o"], "{root}/afile.txt"),

        ("notebook run-all", Missing, ["notebook", "run-all", "--dir", "{root}/nope", "--out", "{root}/o"], "{root}/nope"),
        ("notebook run-all", BadValue, ["notebook", "run-all", "--dir", "{root}/nbs", "--set", "nope=1", "--out", "{root}/o"], "nope"),
        ("notebook run-all", Unreadable, ["notebook", "run-all", "--dir", "{root}/nbsbad", "--out", "{root}/o"], "{root}/nbsbad/01-x.dib"),
        ("notebook run-all", Unreadable, ["notebook", "run-all", "--dir", "{root}/afile.txt", "--out", "{root}/o"], "{root}/afile.txt"),
        ("notebook run-all", Output, ["notebook", "run-all", "--dir", "{root}/nbs", "--out", "{root}/afile.txt/o"], "{root}/afile.txt"),

        ("notebook convert", Missing, ["notebook", "convert", "{root}/nbs/01-a.dib", "{root}/nope.dib", "--out", "{root}/o"], "{root}/nope.dib"),
        ("notebook convert", Missing, ["notebook", "convert", "--out", "{root}/o"], "(files)"),
        ("notebook convert", BadValue, ["notebook", "convert", "{root}/afile.txt", "--out", "{root}/o"], "{root}/afile.txt"),
        ("notebook convert", BadValue, ["notebook", "convert", "{root}/nbs/01-a.dib", "--set", "nope=1", "--out", "{root}/o"], "--set nope: no notebook given declares it"),
        ("notebook convert", BadValue, ["notebook", "convert", "{root}/nbs/01-a.dib", "--set", "epochs=many", "--out", "{root}/o"], "epochs"),
        ("notebook convert", Unreadable, ["notebook", "convert", "{root}/garbage.bin", "--out", "{root}/o"], "{root}/garbage.bin"),
        ("notebook convert", Unreadable, ["notebook", "convert", "{root}/nbsbad/01-x.dib", "--out", "{root}/o"], "{root}/nbsbad/01-x.dib"),
        ("notebook convert", Output, ["notebook", "convert", "{root}/nbs/01-a.dib", "--out", "{root}/afile.txt/o"], "{root}/afile.txt"),

        ("report png", Missing, ["report", "png", "{root}/nope.html", "{root}/o.png"], "{root}/nope.html"),
        ("report png", BadValue, ["report", "png", "{root}/page.html", "{root}/o.png", "--width", "5"], "--width"),
        ("report png", Unreadable, ["report", "png", "{root}/adir", "{root}/o.png"], "{root}/adir"),
        ("report png", Output, ["report", "png", "{root}/page.html", "{root}/afile.txt/o.png"], "{root}/afile.txt"),
        ("report png", Output, ["report", "png", "{root}/page.html", "{root}/adir"], "{root}/adir"),

        ("weights convert", Missing, ["weights", "convert", "{root}/nope.pth", "{root}/o.safetensors"], "{root}/nope.pth"),
        ("weights convert", BadValue, ["weights", "convert", "{root}/trunc.safetensors", "{root}/o.safetensors", "{root}/extra"], "{root}/extra"),
        ("weights convert", Unreadable, ["weights", "convert", "{root}/garbage.bin", "{root}/o.safetensors"], "{root}/garbage.bin"),
        ("weights convert", Unreadable, ["weights", "convert", "{root}/adir", "{root}/o.safetensors"], "{root}/adir"),
        ("weights convert", Output, ["weights", "convert", "{root}/trunc.safetensors", "{root}/afile.txt/o.safetensors"], "{root}/afile.txt"),
        ("weights convert", Output, ["weights", "convert", "{root}/trunc.safetensors", "{root}/adir"], "{root}/adir"),

        ("weights inspect", Missing, ["weights", "inspect", "{root}/nope.pth"], "{root}/nope.pth"),
        ("weights inspect", BadValue, ["weights", "inspect", "{root}/trunc.safetensors", "{root}/extra"], "{root}/extra"),
        ("weights inspect", Unreadable, ["weights", "inspect", "{root}/garbage.bin"], "{root}/garbage.bin"),
        ("weights inspect", Unreadable, ["weights", "inspect", "{root}/trunc.safetensors"], "{root}/trunc.safetensors"),
        ("weights inspect", Unreadable, ["weights", "inspect", "{root}/adir"], "{root}/adir"),

        ("bench", BadValue, ["bench", "--workload", "nope"], "--workload"),
        ("bench", BadValue, ["bench", "--workload", "extract", "--encoder", "resnet50"], "--encoder: unknown encoder 'resnet50' for the extract workload; expected one of: vgg16, resnet18-mlnet"),
        ("bench", BadValue, ["bench", "--workload", "train", "--iterations", "0"], "--iterations"),
        ("bench", BadValue, ["bench", "--workload", "train", "--threads", "abc"], "--threads"),
        ("bench", BadValue, ["bench", "--workload", "train", "--device", "cuda"], "--device cuda: CUDA is not available"),
        ("bench", BadValue, ["bench", "--workload", "train", "--device", "bogus"], "--device bogus: expected one of auto, cpu, cuda, cuda:N"),
    ];

    /// <summary>Verb to the cases it lacks; each reason is in the class remarks.</summary>
    private static readonly Dictionary<string, string[]> Lacks = new()
    {
        ["data synth"] = [Missing, Unreadable],
        ["demo"] = [Missing, Unreadable],
        ["bench"] = [Missing, Unreadable],
        ["info"] = [Missing, Unreadable],
        ["describe-model"] = [Missing], // every option has a default
    };

    public static TheoryData<string, string[], string> BadInputs()
    {
        var data = new TheoryData<string, string[], string>();
        foreach (var (verb, kind, args, expected) in Cases) data.Add($"{verb}: {kind}", args, expected);
        return data;
    }

    public static TheoryData<string> LeafVerbs()
    {
        var data = new TheoryData<string>();
        foreach (var verb in Leaves(Program.BuildRoot(), "")) data.Add(verb);
        return data;
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Run_ExitsOneWithOneLineNamingTheCulprit(string name, string[] args, string expected)
    {
        var (code, _, error) = CliRunner.Run(args.Select(files.Resolve).ToArray());
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(code == 1, $"{name}: exit code {code}, stderr: {error}");
        Assert.True(lines.Length == 1, $"{name}: {lines.Length} stderr lines: {error}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(files.Resolve(expected), lines[0]);
    }

    [Theory]
    [MemberData(nameof(LeafVerbs))]
    public void Run_ExitsOneWithOneLineForAnUnknownOption(string verb)
    {
        var (code, _, error) = CliRunner.Run([.. verb.Split(' '), "--no-such-option"]);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", line);
        // A verb with positional arguments takes the dashed token as one of them: the line then names that
        // "file" or the argument still missing, which the bad-input cases above check.
        if (HasArguments(verb)) return;
        Assert.Contains("Unrecognized command or argument '--no-such-option'", line);
        Assert.EndsWith($"; see caption {verb} --help", line);
    }

    [Fact]
    public void Cases_CoverEveryVerbWithEveryKindOfBadInput()
    {
        var kinds = new[] { Missing, BadValue, Unreadable };
        var gaps = Leaves(Program.BuildRoot(), "")
            .SelectMany(verb => kinds.Where(kind => !Cases.Any(c => c.Verb == verb && c.Case == kind)
                && !(Lacks.TryGetValue(verb, out var lacks) && lacks.Contains(kind))).Select(kind => $"{verb}: {kind}"))
            .ToList();
        Assert.Empty(gaps);
    }

    private static bool HasArguments(string verb)
    {
        Command command = Program.BuildRoot();
        foreach (var name in verb.Split(' ')) command = command.Subcommands.Single(c => c.Name == name);
        return command.Arguments.Count > 0;
    }

    private static IEnumerable<string> Leaves(Command command, string prefix)
    {
        foreach (var sub in command.Subcommands)
        {
            var name = prefix.Length == 0 ? sub.Name : $"{prefix} {sub.Name}";
            if (sub.Subcommands.Count == 0) yield return name;
            else foreach (var leaf in Leaves(sub, name)) yield return leaf;
        }
    }
}
