using System.Text.Json;
using Xunit;
using Xunit.Sdk;

namespace Captioning.Tests.Notebooks.Jupyter;

/// <summary>One code cell of a notebook open in Jupyter: its execution count (null: never ran) and outputs.</summary>
internal sealed record JupyterCell(int Index, int? ExecutionCount, IReadOnlyList<(string Type, string Text)> Outputs);

/// <summary>
/// Jupyter Notebook 6's page, driven through its own JavaScript API (`Jupyter.notebook`) as Cell &gt; Run All does:
/// open a notebook, wait for its kernel, run every cell, wait until the kernel is idle with every cell run.
/// </summary>
internal sealed class NotebookPage(HeadlessChromium browser, JupyterServer server)
{
    private static readonly TimeSpan KernelStart = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan RunAll = TimeSpan.FromMinutes(15);

    // Done when a cell failed (Jupyter then skips the rest), or when every code cell has its number and the kernel is idle.
    private const string Finished = """
        (() => {
          const cells = Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code');
          if (cells.some(c => c.output_area.outputs.some(o => o.output_type === 'error'))) return true;
          return !Jupyter.notebook.kernel_busy && cells.every(c => typeof c.input_prompt_number === 'number');
        })()
        """;

    private const string Cells = """
        Jupyter.notebook.get_cells().map((c, i) => ({ index: i, type: c.cell_type,
          count: c.cell_type === 'code' && typeof c.input_prompt_number === 'number' ? c.input_prompt_number : null,
          outputs: c.cell_type !== 'code' ? [] : c.output_area.outputs.map(o => ({ type: o.output_type,
            text: o.output_type === 'error' ? o.ename + ': ' + o.evalue + '\n' + [].concat(o.traceback || []).join('\n')
                : [].concat(o.text || []).join('') })) }))
        """;

    /// <summary>Opens NAME.ipynb, runs all its cells and returns its code cells once the kernel is idle; fails naming any cell that errored or did not run.</summary>
    public async Task<IReadOnlyList<JupyterCell>> RunAllAsync(string name)
    {
        await browser.NavigateAsync(server.Url($"notebooks/{name}.ipynb"));
        await browser.WaitForAsync("window.Jupyter !== undefined && Jupyter.notebook !== undefined && Jupyter.notebook._fully_loaded === true"
                                   + " && Jupyter.notebook.kernel != null && Jupyter.notebook.kernel.is_connected()",
            KernelStart, $"{name} to open with its kernel (.net-csharp) connected");
        await browser.EvaluateAsync("Jupyter.notebook.execute_all_cells(), true");
        await browser.WaitForAsync(Finished, RunAll, $"the cells of {name} to finish");
        var cells = (await browser.EvaluateAsync(Cells)).EnumerateArray()
            .Where(c => c.GetProperty("type").GetString() == "code")
            .Select(c => new JupyterCell(
                c.GetProperty("index").GetInt32(),
                c.GetProperty("count").ValueKind == JsonValueKind.Number ? c.GetProperty("count").GetInt32() : null,
                c.GetProperty("outputs").EnumerateArray().Select(o => (o.GetProperty("type").GetString()!, o.GetProperty("text").GetString() ?? "")).ToList()))
            .ToList();
        var failed = cells.FirstOrDefault(c => c.Outputs.Any(o => o.Type == "error"));
        Assert.True(failed == null, $"{name}: cell {failed?.Index + 1} failed in Jupyter:\n{failed?.Outputs.First(o => o.Type == "error").Text}");
        Assert.All(cells, c => Assert.True(c.ExecutionCount != null, $"{name}: cell {c.Index + 1} did not run"));
        return cells;
    }

    /// <summary>How many Plotly charts drew (an svg.main-svg is Plotly's drawing surface) after waiting up to <paramref name="wait"/> for one.</summary>
    public async Task<int> PlotlyChartsAsync(TimeSpan wait)
    {
        const string count = "document.querySelectorAll('#notebook-container svg.main-svg').length";
        try { await browser.WaitForAsync($"{count} > 0", wait, "a Plotly chart to draw"); }
        catch (FailException) { /* the caller asserts the count, with the page log */ }
        return (await browser.EvaluateAsync(count)).GetInt32();
    }

    /// <summary>What the page says about plotly.js, for a message when no chart drew.</summary>
    public async Task<string> PlotlyStateAsync() =>
        (await browser.EvaluateAsync("""
            'window.Plotly: ' + typeof window.Plotly + '; require.js define.amd: ' + (typeof define === 'function' && !!define.amd)
            + '; outputs holding a <script>: ' + document.querySelectorAll('#notebook-container .output_area script').length
            + '; chart divs (.js-plotly-plot or .plotly-graph-div): ' + document.querySelectorAll('#notebook-container .js-plotly-plot, #notebook-container .plotly-graph-div').length
            + '; notes: ' + Array.from(document.querySelectorAll('#notebook-container .plotly-missing')).map(p => p.textContent).join(' | ')
            """)).GetString() ?? "";

    /// <summary>How many images in cell outputs loaded (complete, with a natural width).</summary>
    public async Task<int> LoadedImagesAsync() =>
        (await browser.EvaluateAsync("Array.from(document.querySelectorAll('#notebook-container .output_area img'))"
                                     + ".filter(i => i.complete && i.naturalWidth > 0).length")).GetInt32();

    /// <summary>Runs <paramref name="body"/>; a failure carries the end of the server's log (its kernels' output included) and the page's console.</summary>
    public static async Task WithLogsAsync(JupyterServer server, HeadlessChromium browser, Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception e)
        {
            var log = server.Log;
            throw new XunitException($"{e.Message}\n--- jupyter server log (last 8000 characters) ---\n{log[Math.Max(0, log.Length - 8000)..]}" +
                                     $"\n--- page console ---\n{browser.Log}", e);
        }
    }
}
