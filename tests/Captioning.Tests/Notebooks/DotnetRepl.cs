using System.Diagnostics;

namespace Captioning.Tests.Notebooks;

/// <summary>Runs a notebook in `dotnet repl` (a real .NET Interactive kernel in its own process, pinned in the repository's tool manifest).</summary>
internal static class DotnetRepl
{
    /// <summary>Runs <paramref name="notebook"/> to the end and writes the executed notebook to <paramref name="output"/>; exit code 2 means a cell failed.</summary>
    public static async Task<(int Code, string Log)> RunAsync(string notebook, string output)
    {
        var start = new ProcessStartInfo("dotnet", ["repl", "--run", notebook, "--exit-after-run", "--output-format", "ipynb", "--output-path", output])
        {
            WorkingDirectory = RepoPaths.Root(), // where the tool manifest pins dotnet-repl
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var repl = Process.Start(start)!;
        var stdout = repl.StandardOutput.ReadToEndAsync();
        var stderr = repl.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await repl.WaitForExitAsync(limit.Token);
        return (repl.ExitCode, await stdout + "\n" + await stderr);
    }
}
