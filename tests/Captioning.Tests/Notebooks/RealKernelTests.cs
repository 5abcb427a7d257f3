using System.Text.Json;
using Xunit;

namespace Captioning.Tests.Notebooks;

/// <summary>
/// The five workbook notebooks in a real .NET Interactive kernel in its own process (`dotnet repl`, pinned in the
/// repository's tool manifest), one after another from their folder, with their default parameters, nothing but the
/// setup cell's <c>#r</c> of Captioning.dll (the library brings TorchSharp's natives along by itself: TorchRuntime's
/// preload), and a small work folder.
/// </summary>
public sealed class RealKernelTests
{
    private const string Reference = "#r \"../lib/Captioning.Cli/bin/Release/net10.0/Captioning.dll\"";

    [Fact]
    [Trait("Category", "Slow")]
    public async Task FiveNotebooks_RunGreenUnderDotnetRepl_InOrderWithDefaultParameters()
    {
        var root = RepoPaths.Root();
        var dll = Path.Combine(root, "lib", "Captioning.Cli", "bin", "Release", "net10.0", "Captioning.dll");
        Assert.True(File.Exists(dll), $"build first: {dll} is missing");
        // Under the repository (runs/ is git-ignored), so that `dotnet repl` finds the tool manifest from the notebooks' folder.
        var work = Path.Combine(root, "runs", "repl-test-" + Guid.NewGuid().ToString("N")[..8]);
        var notebooks = Path.Combine(work, "notebooks");
        Directory.CreateDirectory(notebooks);
        try
        {
            var files = WorkbookNotebooksFixture.NotebookFiles();
            Assert.Equal(5, files.Count);
            foreach (var file in files)
            {
                var text = File.ReadAllText(file);
                Assert.Equal(1, text.Split('\n').Count(line => line.TrimStart().StartsWith("#r ", StringComparison.Ordinal)));
                Assert.Contains(Reference, text);
                // The same notebook one folder deeper: its one #r made absolute, its work folder beside it, notebook 01's image count small.
                var copy = text.Replace(Reference, $"#r \"{dll}\"")
                    .Replace("string workDir = \"../runs/workbook\";", "string workDir = \"../work\";  ")
                    .Replace("int images = 1000;", "int images = 120; ");
                Assert.NotEqual(text, copy);
                File.WriteAllText(Path.Combine(notebooks, Path.GetFileName(file)), copy);
            }

            var streams = new Dictionary<string, string>();
            var html = new Dictionary<string, string>();
            foreach (var file in files)
            {
                var name = Path.GetFileNameWithoutExtension(file);
                var outputs = await Run(notebooks, name);
                Assert.DoesNotContain(outputs, o => o.GetProperty("output_type").GetString() == "error");
                streams[name] = string.Concat(outputs.Where(o => o.GetProperty("output_type").GetString() == "stream")
                    .SelectMany(o => o.GetProperty("text").EnumerateArray().Select(t => t.GetString())));
                html[name] = string.Concat(outputs.Where(o => o.TryGetProperty("data", out var data) && data.TryGetProperty("text/html", out _))
                    .SelectMany(o => Lines(o.GetProperty("data").GetProperty("text/html"))));
            }

            Assert.Contains("generated 120 synthetic images", streams["01-data-preparation"]);
            Assert.Contains("cleaned: ", streams["01-data-preparation"]);
            Assert.Contains("caption-gallery", html["01-data-preparation"]);
            Assert.Contains("small-cnn.feat': 120 images x 288 values from small-cnn", streams["02-feature-extraction"]);
            Assert.Contains("merge: TutorialMergeModel (defined in the notebook) computes what the library's merge model computes", streams["03-merge-vs-inject"]);
            Assert.Contains("par-inject seed 2 epoch 1/", streams["03-merge-vs-inject"]);
            Assert.Contains("Test-split scores by model", html["04-evaluation"]);
            // photoCount's default: 8 new synthetic scenes.
            Assert.Equal(8, streams["05-caption-new-photos"].Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith("synth_", StringComparison.Ordinal)));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // Runs one notebook with `dotnet repl` from the notebooks' folder; returns the outputs of its executed .ipynb.
    private static async Task<List<JsonElement>> Run(string folder, string name)
    {
        var output = Path.Combine(folder, name + ".out.ipynb");
        var (code, log) = await DotnetRepl.RunAsync(name + ".dib", output, folder, TimeSpan.FromMinutes(10));
        Assert.True(code == 0,
            $"{name}: dotnet repl exited with {code} (2: a cell failed; 'could not execute' or 'command not found': run environment/setup --test-deps, which restores the tool):\n{log}");
        using var ipynb = JsonDocument.Parse(File.ReadAllText(output));
        return ipynb.RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.TryGetProperty("outputs", out _))
            .SelectMany(c => c.GetProperty("outputs").EnumerateArray())
            .Select(o => o.Clone())
            .ToList();
    }

    private static IEnumerable<string?> Lines(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(v => v.GetString()) : [value.GetString()];
}
