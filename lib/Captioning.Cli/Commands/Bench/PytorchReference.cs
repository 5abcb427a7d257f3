using System.Diagnostics;
using System.Globalization;

namespace Captioning.Cli.Commands;

/// <summary>
/// Runs bench/pytorch_reference.py with Debian's python3 as a child process, one process per workload
/// (so the memory workload's peak RSS is that of a fresh process, as ours is), and reads its JSON lines.
/// </summary>
internal sealed class PytorchReference
{
    /// <summary>Debian's interpreter, which has python3-torch; the `python3` first on PATH may be another one.</summary>
    internal const string DefaultPython = "/usr/bin/python3";

    /// <summary>The script's path inside the repository and next to the built CLI.</summary>
    internal const string ScriptName = "bench/pytorch_reference.py";

    /// <summary>The script's exit code when torch or torchvision cannot be imported.</summary>
    internal const int MissingTorchExitCode = 3;

    internal const string InstallHint = "run `environment/setup --bench-deps` (installs Debian's python3-torch, python3-torchvision and python3-onnx)";

    private PytorchReference(string python, string script)
    {
        Python = python;
        Script = script;
    }

    /// <summary>The interpreter the script runs with.</summary>
    internal string Python { get; }

    /// <summary>Full path of pytorch_reference.py.</summary>
    internal string Script { get; }

    /// <summary>Finds the interpreter and the script and checks that torch and torchvision import, before any workload runs.</summary>
    internal static PytorchReference Prepare(string python)
    {
        if (!File.Exists(python))
            throw new CaptioningException($"--python: '{python}' does not exist; --compare-pytorch needs Debian's python3 with torch: {InstallHint}");
        var reference = new PytorchReference(python, LocateScript());
        var (code, stdout, stderr) = reference.Execute(["--check"], _ => { });
        Check(code, stderr, python, $"{reference.Script} --check");
        if (!stdout.Any(l => l.StartsWith("torch ", StringComparison.Ordinal)))
            throw new CaptioningException($"{reference.Script} --check printed no torch version (got: {string.Join(" | ", stdout)}); is it the repository's script?");
        Console.Error.WriteLine($"bench: PyTorch side: {string.Join(" ", stdout)} ({python} {reference.Script})");
        return reference;
    }

    /// <summary>Runs one workload in a fresh interpreter; each line is handed to <paramref name="echo"/> as it arrives, then parsed.</summary>
    internal IReadOnlyList<ReferenceMeasurement> Run(string workload, int threads, BenchSettings settings, Action<string> echo)
    {
        string[] args = ["--workload", workload, "--threads", threads.ToString(CultureInfo.InvariantCulture),
            "--iterations", settings.Iterations.ToString(CultureInfo.InvariantCulture), "--warmup", settings.Warmup.ToString(CultureInfo.InvariantCulture),
            "--encoder", settings.Encoder, .. settings.Encoder == Features.EncoderNames.ResNet18MlNet ? ["--onnx", Features.MlNetResNet18Weights.BundledModelPath] : Array.Empty<string>()];
        var (code, stdout, stderr) = Execute(args, echo);
        Check(code, stderr, Python, $"{Script} {string.Join(' ', args)}");
        var measurements = stdout.Select((line, i) => ReferenceMeasurement.Parse(line, Script, i + 1)).ToList();
        if (measurements.Count == 0) throw new CaptioningException($"{Script} --workload {workload} printed no measurement");
        return measurements;
    }

    /// <summary>Maps the script's exit code to an error that says what to do.</summary>
    internal static void Check(int code, IReadOnlyList<string> stderr, string python, string invocation)
    {
        if (code == 0) return;
        var detail = string.Join(" | ", stderr.TakeLast(3));
        if (code == MissingTorchExitCode)
            throw new CaptioningException($"--compare-pytorch: {python} cannot import torch/torchvision ({detail}); {InstallHint}");
        throw new InvalidOperationException($"{python} {invocation} exited with code {code}: {detail}");
    }

    /// <summary>The script next to the built CLI (copied there by the project file), else in the checkout above it.</summary>
    internal static string LocateScript()
    {
        var tried = new List<string>();
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ScriptName);
            tried.Add(candidate);
            if (File.Exists(candidate)) return candidate;
        }
        throw new CaptioningException($"--compare-pytorch: {ScriptName} not found; tried: {string.Join(", ", tried)}. Rebuild the CLI or run it from a checkout");
    }

    private (int Code, List<string> Stdout, List<string> Stderr) Execute(IReadOnlyList<string> args, Action<string> echo)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Script);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        Process? started;
        try
        {
            started = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CaptioningException($"--python: cannot run '{Python}' ({e.Message}); expected a python3 interpreter with torch: {InstallHint}");
        }
        using var process = started ?? throw new InvalidOperationException($"could not start {Python}");
        var stdout = new List<string>();
        var stderr = new List<string>();
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (stderr) stderr.Add(e.Data); };
        process.BeginErrorReadLine();
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            stdout.Add(line);
            echo(line);
        }
        process.WaitForExit();
        lock (stderr) return (process.ExitCode, stdout, stderr.ToList());
    }
}
