using System.Diagnostics;

namespace Captioning.Tests;

/// <summary>
/// Runs Debian's /usr/bin/python3 in its own process: the test oracles (python3-torch 1.13,
/// torchvision, nltk, numpy, PIL) that `environment/setup --test-deps` installs. Never the
/// `python3` first on PATH, which may be an interpreter without them.
/// </summary>
internal static class PythonOracle
{
    public const string Python = "/usr/bin/python3";

    /// <summary>The path of an oracle script the test project copies next to the test assembly.</summary>
    public static string Script(params string[] relative)
    {
        var path = Path.Combine([AppContext.BaseDirectory, .. relative]);
        if (!File.Exists(path)) throw new InvalidOperationException($"oracle script '{path}' was not copied next to the test assembly");
        return path;
    }

    /// <summary>
    /// Runs python with <paramref name="arguments"/> (the script first, or "-" with the script on
    /// <paramref name="standardInput"/>) and returns what it printed; a failure names the script,
    /// the exit code and Python's own message.
    /// </summary>
    public static string Run(IEnumerable<string> arguments, string? standardInput = null)
    {
        if (!File.Exists(Python))
            throw new InvalidOperationException($"{Python} is missing: run `environment/setup --test-deps` to install the Python test oracles");
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = standardInput != null };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        if (standardInput != null)
        {
            process.StandardInput.Write(standardInput);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode == 0) return stdout.Result;
        var hint = stderr.Contains("No module named", StringComparison.Ordinal)
            ? "a Python test oracle is not installed: run `environment/setup --test-deps`. "
            : "";
        var script = start.ArgumentList.Count > 0 ? Path.GetFileName(start.ArgumentList[0]) : "";
        throw new InvalidOperationException($"{hint}{Python} {script} failed with exit code {process.ExitCode}:\n{stderr}{stdout.Result}");
    }
}
