using Xunit;

namespace Captioning.Tests.Notebooks.Jupyter;

/// <summary>
/// The workbook in Jupyter as a reader meets it: Debian's chromium, headless and offline, opens the notebooks in
/// a Jupyter Notebook server on the .NET (C#) kernel of environment/setup, runs all cells of each and looks at
/// the page: no cell failed, Plotly charts drew, gallery images loaded. 01 and 02 with the tiny parameters of
/// <see cref="WorkbookNotebooksFixture.Tiny"/>, then the training notebook 03 with one epoch per model.
/// </summary>
public sealed class JupyterBrowserTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Notebooks01To03_RunAllInJupyterInChromium_ChartsDrawImagesLoadNoCellFails()
    {
        using var workspace = JupyterWorkspace.Create(WorkbookNotebooksFixture.Tiny);
        await using var server = await JupyterServer.StartAsync(workspace.Notebooks, workspace.JupyterHome);
        await using var browser = await HeadlessChromium.StartAsync();
        var page = new NotebookPage(browser, server);
        await NotebookPage.WithLogsAsync(server, browser, async () =>
        {
            var data = await page.RunAllAsync("01-data-preparation");
            // The default workDir "../runs/workbook" landed next to the forms' folder, as it does for notebooks/*.dib.
            Assert.Contains(data.SelectMany(c => c.Outputs), o => o.Text.Contains("generated 120 synthetic images", StringComparison.Ordinal));
            Assert.True(File.Exists(Path.Combine(workspace.WorkDir, "prepared", "vocabulary.json")), $"01 wrote no vocabulary under {workspace.WorkDir}");
            Assert.True(await page.LoadedImagesAsync() >= 4, "01's sample gallery shows 4 images (sampleImages=4); fewer loaded");
            // Caption lengths and word frequencies.
            Assert.True(await page.PlotlyChartsAsync(TimeSpan.FromSeconds(30)) >= 2, $"01's two Plotly charts did not draw; {await page.PlotlyStateAsync()}");

            await page.RunAllAsync("02-feature-extraction");
            Assert.True(File.Exists(Path.Combine(workspace.WorkDir, "small-cnn.feat")), "02 wrote no feature store");

            await page.RunAllAsync("03-merge-vs-inject");
            foreach (var model in new[] { "merge", "init-inject", "pre-inject", "par-inject" })
                foreach (var seed in new[] { 1, 2 })
                    Assert.True(new Captioning.Workbook.WorkbookFolders(workspace.WorkDir).Run(model, seed).IsFinished, $"03 did not finish training {model} seed {seed}");
            // The loss curves.
            Assert.True(await page.PlotlyChartsAsync(TimeSpan.FromSeconds(30)) >= 1, $"03's loss curves did not draw; {await page.PlotlyStateAsync()}");
        });
    }
}
