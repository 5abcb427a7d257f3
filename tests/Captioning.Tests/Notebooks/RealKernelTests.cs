using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace Captioning.Tests.Notebooks;

/// <summary>
/// Notebook 01 in a real .NET Interactive kernel in its own process (`dotnet repl`, pinned in the
/// repository's tool manifest), with nothing but its setup cell's <c>#r</c> of Captioning.dll: the
/// library must bring TorchSharp's natives along by itself (TorchRuntime's preload).
/// </summary>
public sealed class RealKernelTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Notebook01_RunsGreenUnderDotnetRepl_WithOnlyItsSetupReference()
    {
        var root = RepoPaths.Root();
        var text = File.ReadAllText(Path.Combine(root, "notebooks", "01-data-preparation.dib"));
        const string reference = "#r \"../lib/Captioning.Cli/bin/Release/net10.0/Captioning.dll\"";
        Assert.Equal(1, text.Split('\n').Count(line => line.TrimStart().StartsWith("#r ", StringComparison.Ordinal)));
        Assert.Contains(reference, text);
        var work = Directory.CreateTempSubdirectory("repl-01-");
        try
        {
            // The same notebook, placed elsewhere: its one #r made absolute, its work folder and size made small.
            var dll = Path.Combine(root, "lib", "Captioning.Cli", "bin", "Release", "net10.0", "Captioning.dll");
            Assert.True(File.Exists(dll), $"build first: {dll} is missing");
            var copy = text.Replace(reference, $"#r \"{dll}\"")
                .Replace("string workDir = \"../runs/workbook\";", $"string workDir = \"{work.FullName}/work\";")
                .Replace("int images = 1000;", "int images = 48;");
            Assert.NotEqual(text.Length, copy.Length);
            var notebook = Path.Combine(work.FullName, "01.dib");
            File.WriteAllText(notebook, copy);
            var output = Path.Combine(work.FullName, "01.ipynb");

            var start = new ProcessStartInfo("dotnet", ["repl", "--run", notebook, "--exit-after-run", "--output-format", "ipynb", "--output-path", output])
            {
                WorkingDirectory = root, // where the tool manifest pins dotnet-repl
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
            var (outText, errText) = (await stdout, await stderr);
            Assert.True(repl.ExitCode == 0,
                $"dotnet repl exited with {repl.ExitCode} (2: a cell failed; 'could not execute' or 'command not found': run environment/setup --test-deps, which restores the tool):\n{outText}\n{errText}");

            using var ipynb = JsonDocument.Parse(File.ReadAllText(output));
            var outputs = ipynb.RootElement.GetProperty("cells").EnumerateArray()
                .Where(c => c.TryGetProperty("outputs", out _))
                .SelectMany(c => c.GetProperty("outputs").EnumerateArray())
                .ToList();
            Assert.DoesNotContain(outputs, o => o.GetProperty("output_type").GetString() == "error");
            var streams = string.Concat(outputs.Where(o => o.GetProperty("output_type").GetString() == "stream")
                .SelectMany(o => o.GetProperty("text").EnumerateArray().Select(t => t.GetString())));
            Assert.Contains("generated 48 synthetic images", streams);
            Assert.Contains("cleaned: ", streams);
            // The plots (caption lengths, word frequencies, sample gallery) reach the kernel as HTML.
            Assert.True(outputs.Count(o => o.GetProperty("output_type").GetString() == "display_data"
                                           && o.GetProperty("data").TryGetProperty("text/html", out _)) >= 3);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
