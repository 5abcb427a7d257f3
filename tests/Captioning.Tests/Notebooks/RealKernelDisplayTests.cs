using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Captioning.Reports;
using Captioning.Tests.Reports;
using Captioning.Training;
using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Notebooks;

/// <summary>
/// How the library's charts and tables show in a real .NET Interactive kernel in its own process (`dotnet repl`,
/// pinned in the tool manifest), with nothing but a <c>#r</c> of Captioning.dll: the kernel ships FSharp.Core 10.0
/// and its own Formatting, and a chart must still draw from the local plotly.js, a DataFrame as our table.
/// </summary>
public sealed partial class RealKernelDisplayTests
{
    private const string Cells = """
        #!csharp

        using Captioning.Reports;
        using Captioning.Training;
        using Captioning.Workbook;

        #!csharp

        var figure = new Figure("kernel chart", "metric", "score").AddBar("merge", new[] { "BLEU-1", "BLEU-4" }, new[] { 60.5, 20.25 }, new[] { 2.0, 1.0 });
        figure

        #!csharp

        figure.Chart

        #!csharp

        var frame = new LossCurves().Add("merge", new EpochMetrics(1, 4.0, 4.5, 1e-3, 100, 1, true)).Add("merge", new EpochMetrics(2, 3.0, 3.25, 1e-3, 100, 1, true)).ToFrame();
        frame

        #!csharp

        frame.OrderBy("validation loss").Head(1)

        #!csharp

        string.Join("\n", AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName()).Where(n => n.Name is "FSharp.Core" or "Microsoft.DotNet.Interactive.Formatting").Select(n => n.Name + " " + n.Version).Order())
        """;

    [GeneratedRegex("Plotly.newPlot\\(\"fig-[0-9a-f]{12}\", (\\[.*?\\]), (\\{\"paper_bgcolor\".*?\\}), \\{\"responsive\"", RegexOptions.Singleline)]
    private static partial Regex NewPlot();

    [Fact]
    [Trait("Category", "Slow")]
    public async Task ChartsAndFrames_ShowWithLocalPlotlyAndOurTablesUnderDotnetRepl()
    {
        var root = RepoPaths.Root();
        var dll = Path.Combine(root, "lib", "Captioning.Cli", "bin", "Release", "net10.0", "Captioning.dll");
        Assert.True(File.Exists(dll), $"build first: {dll} is missing");
        var work = Directory.CreateTempSubdirectory("repl-display-");
        try
        {
            var notebook = Path.Combine(work.FullName, "display.dib");
            File.WriteAllText(notebook, $"#!csharp\n\n#r \"{dll}\"\n\n" + Cells + "\n");
            var output = Path.Combine(work.FullName, "display.ipynb");
            var (code, log) = await DotnetRepl.RunAsync(notebook, output);
            Assert.True(code == 0, $"dotnet repl exited with {code} (2: a cell failed; 'command not found': run environment/setup --test-deps):\n{log}");
            var text = File.ReadAllText(output);
            var html = OfflinePages.NotebookHtml(text);
            Assert.Equal(4, html.Count);

            // The session's first chart carries the local plotly.js inline; the next one relies on it.
            Assert.StartsWith(PlotlyJs.Loader() + "<div class=\"plotly-figure\"", html[0]);
            Assert.StartsWith("<div class=\"plotly-figure\"", html[1]);
            foreach (var chart in html.Take(2))
            {
                var plot = NewPlot().Match(chart);
                Assert.True(plot.Success, chart[..Math.Min(chart.Length, 300)]);
                var trace = Assert.Single(JsonNode.Parse(plot.Groups[1].Value)!.AsArray())!;
                Assert.Equal(("bar", "merge"), ((string?)trace["type"], (string?)trace["name"]));
                Assert.Equal(["BLEU-1", "BLEU-4"], trace["x"]!.AsArray().Select(v => (string)v!));
                Assert.Equal([60.5, 20.25], trace["y"]!.AsArray().Select(v => (double)v!));
                Assert.Equal([2.0, 1.0], trace["error_y"]!["array"]!.AsArray().Select(v => (double)v!));
                var layout = JsonNode.Parse(plot.Groups[2].Value)!;
                Assert.Equal("kernel chart", (string?)layout["title"]!["text"]);
                Assert.Equal("score", (string?)layout["yaxis"]!["title"]!["text"]);
            }

            // The kernel's DataFrames, the library's and the one sorted in the next cell, are our table.
            var frame = new LossCurves().Add("merge", new EpochMetrics(1, 4.0, 4.5, 1e-3, 100, 1, true)).Add("merge", new EpochMetrics(2, 3.0, 3.25, 1e-3, 100, 1, true)).ToFrame();
            Assert.Equal(FrameHtml.ToHtml(frame), html[2]);
            Assert.Equal(FrameHtml.ToHtml(frame.OrderBy("validation loss").Head(1)), html[3]);
            Assert.Contains("<tr><th>0</th><td>merge</td><td style=\"text-align:right\">1</td><td style=\"text-align:right\">2</td>", html[3]);

            // One FSharp.Core and one Formatting: the kernel's own, which the library bound to.
            var assemblies = JsonNode.Parse(text)!["cells"]!.AsArray().Last()!["outputs"]![0]!["data"]!["text/plain"]!;
            Assert.Equal("FSharp.Core 10.0.0.0\nMicrosoft.DotNet.Interactive.Formatting 1.0.0.0",
                assemblies is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)assemblies);
            Assert.Empty(OfflinePages.CdnReferences(text));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
