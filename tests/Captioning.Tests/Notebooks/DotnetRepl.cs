using System.Diagnostics;

namespace Captioning.Tests.Notebooks;

/// <summary>Runs a notebook in `dotnet repl` (a real .NET Interactive kernel in its own process, pinned in the repository's tool manifest).</summary>
internal static class DotnetRepl
{
    /// <summary>
    /// Runs <paramref name="notebook"/> to the end from <paramref name="workingDirectory"/> (default: the repository, where the tool
    /// manifest pins dotnet-repl; any folder below it finds the manifest too) and writes the executed notebook to
    /// <paramref name="output"/>; exit code 2 means a cell failed.
    /// </summary>
    public static async Task<(int Code, string Log)> RunAsync(string notebook, string output, string? workingDirectory = null, TimeSpan? limit = null)
    {
        var start = new ProcessStartInfo("dotnet", ["repl", "--run", notebook, "--exit-after-run", "--output-format", "ipynb", "--output-path", output])
        {
            WorkingDirectory = workingDirectory ?? RepoPaths.Root(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var repl = Process.Start(start)!;
        var stdout = repl.StandardOutput.ReadToEndAsync();
        var stderr = repl.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit ?? TimeSpan.FromMinutes(5));
        await repl.WaitForExitAsync(timeout.Token);
        return (repl.ExitCode, await stdout + "\n" + await stderr);
    }
}
