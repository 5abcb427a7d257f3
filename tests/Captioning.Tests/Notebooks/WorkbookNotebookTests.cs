using Captioning.Features;
using Captioning.Training;
using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Notebooks;

[Trait("Category", "Slow")]
public class WorkbookNotebookTests(WorkbookNotebooksFixture fixture) : IClassFixture<WorkbookNotebooksFixture>
{
    private static int Count(IEnumerable<(string Mime, string Content)> outputs, string mime, string marker) =>
        outputs.Count(o => o.Mime == mime && o.Content.Contains(marker, StringComparison.Ordinal));

    [Fact]
    public void RunAll_RunsTheFiveNotebooksInOrder()
    {
        Assert.Equal(["01-data-preparation", "02-feature-extraction", "03-merge-vs-inject", "04-evaluation", "05-caption-new-photos"],
            WorkbookNotebooksFixture.NotebookFiles().Select(Path.GetFileNameWithoutExtension));
        Assert.Equal(5, fixture.Runs.Count);
        Assert.All(fixture.Runs.Keys, name => fixture.Succeeded(name));
    }

    [Fact]
    public void DataPreparation_WritesPreparedFilesAndShowsPlotsAndGallery()
    {
        var run = fixture.Succeeded("01-data-preparation");
        Assert.Equal("120", run.Parameters["images"]);
        var folders = new WorkbookFolders(fixture.WorkDir);
        Assert.True(File.Exists(Path.Combine(folders.Prepared, "descriptions.txt")));
        Assert.True(File.Exists(Path.Combine(folders.Prepared, "vocabulary.json")));
        var outputs = fixture.IpynbOutputs("01-data-preparation");
        Assert.Contains(outputs, o => o.Mime == "stream" && o.Content.Contains("Loaded: 120 images (train 90, dev 15, test 15"));
        Assert.Equal(2, Count(outputs, "text/html", "Plotly.newPlot"));
        Assert.Equal(1, Count(outputs, "text/html", "caption-gallery"));
        Assert.Equal(4, outputs.Single(o => o.Mime == "text/html" && o.Content.Contains("caption-gallery")).Content.Split("<figure").Length - 1);
    }

    [Fact]
    public void FeatureExtraction_WritesTheStoreAndAProjection()
    {
        fixture.Succeeded("02-feature-extraction");
        var folders = new WorkbookFolders(fixture.WorkDir);
        Assert.True(File.Exists(folders.FeatureStore("small-cnn")));
        Assert.True(File.Exists(SmallCnnEncoder.WeightsPathBeside(folders.FeatureStore("small-cnn"))));
        var outputs = fixture.IpynbOutputs("02-feature-extraction");
        Assert.Contains(outputs, o => o.Mime == "stream" && o.Content.Contains("small-cnn.feat': 120 images x 288 values from small-cnn, stored as float16"));
        Assert.Equal(1, Count(outputs, "text/html", "PCA (explains"));
    }

    [Fact]
    public void MergeVsInject_TrainsFourRunsAndPlotsLossAndSizes()
    {
        fixture.Succeeded("03-merge-vs-inject");
        var folders = new WorkbookFolders(fixture.WorkDir);
        foreach (var name in Captioning.Models.CaptionModelOptions.ArchitectureNames)
        {
            var run = folders.Run(name);
            Assert.True(run.IsFinished, name);
            Assert.True(File.Exists(run.MetricsCsvPath), name);
            Assert.Single(run.ReadMetrics());
            var (model, training, _, _) = run.ReadConfig();
            Assert.Equal(Captioning.Models.CaptionModelOptions.ParseArchitecture(name), model.Architecture);
            Assert.Equal(TrainingPreset.Demo.Model.Hidden, model.HiddenDimension);
            Assert.Equal(1, training.Epochs);
            // The notebook's dropout parameters override the preset's.
            Assert.Equal((0.2, 0.1), (model.Dropout, model.ImageDropout));
        }
        var outputs = fixture.IpynbOutputs("03-merge-vs-inject");
        Assert.Equal(1, Count(outputs, "text/html", "Trainable parameters per architecture"));
        Assert.Equal(1, Count(outputs, "text/html", "merge (validation)"));
        // A layer summary and an SVG diagram for merge and each inject variant.
        Assert.Equal(4, Count(outputs, "text/html", "<table class=\"model-summary\">"));
        Assert.Equal(4, Count(outputs, "text/html", "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"model-diagram\""));
        Assert.Equal(1, Count(outputs, "text/html", "par-inject: [word; image] each step"));
        Assert.Contains(outputs, o => o.Mime == "stream" && o.Content.Contains("merge epoch 1/1: train loss"));
    }

    [Fact]
    public void MergeVsInject_TrainsTheCellsModelToTheLibraryMergeModelsLosses()
    {
        fixture.Succeeded("03-merge-vs-inject");
        var folders = new WorkbookFolders(fixture.WorkDir);
        var cellRun = folders.Run("merge");
        // Notebook 03 trained the class its model cell defines, and found it equal to the library's merge model.
        Assert.Equal(new Captioning.Models.ModelDefinition("TutorialMergeModel", "merge", true, null), Captioning.Models.ModelDefinition.Read(cellRun));

        // The library's merge model with the notebook's recipe and seed, trained on the same features in another folder.
        using var temp = new Captioning.Tests.Data.TempFolder();
        var library = new WorkbookFolders(temp.Path);
        Directory.CreateDirectory(library.Root);
        File.Copy(folders.FeatureStore("small-cnn"), library.FeatureStore("small-cnn"));
        var preset = TrainingPreset.Demo;
        var recipe = preset with { Model = preset.Model with { Dropout = 0.2, ImageDropout = 0.1 } };
        var trained = WorkbookTraining.TrainOrResume(library, WorkbookData.Directory(folders, ""), "small-cnn", "merge", recipe, epochs: 1);
        var expected = Assert.Single(trained.History);
        var actual = Assert.Single(cellRun.ReadMetrics());
        Assert.Equal(expected.TrainLoss, actual.TrainLoss, 6);
        Assert.Equal(expected.ValidationLoss, actual.ValidationLoss, 6);
        Assert.False(File.Exists(Captioning.Models.ModelDefinition.PathOf(library.Run("merge"))));
    }

    [Fact]
    public void MergeVsInject_RerunSkipsFinishedTraining()
    {
        Assert.NotNull(fixture.Rerun);
        Assert.True(fixture.Rerun!.Succeeded, fixture.Rerun.FailureSummary());
        var text = string.Join("\n", fixture.Rerun.Cells.SelectMany(c => c.Outputs).Select(o => o.Data["text/plain"]));
        Assert.Equal(4, text.Split(": already finished;").Length - 1);
        Assert.DoesNotContain("epoch 1/1: train loss", text);
    }

    [Fact]
    public void Evaluation_TablesEveryModelAndBothBaselines()
    {
        var run = fixture.Succeeded("04-evaluation");
        var table = run.Cells.SelectMany(c => c.Outputs).Select(o => o.Data["text/plain"]).First(t => t.Contains("scores x100 with 95% bootstrap intervals"));
        foreach (var row in new[] { "merge", "init-inject", "pre-inject", "par-inject", "baseline: most-frequent", "baseline: nearest-neighbour" })
            Assert.Contains("\n" + row + " ", table);
        Assert.Contains("test split, 15 images", table);
        var outputs = fixture.IpynbOutputs("04-evaluation");
        Assert.Equal(1, Count(outputs, "text/html", "Test-split scores by model"));
        Assert.Equal(1, Count(outputs, "text/html", "BLEU-4 by beam size"));
        Assert.Equal(1, Count(outputs, "text/html", "CIDEr-D by beam size"));
        Assert.Equal(1, Count(outputs, "text/html", "Paired bootstrap: merge minus"));
        Assert.Equal(1, Count(outputs, "text/html", "each model minus the nearest-neighbour baseline"));
        Assert.Equal(1, Count(outputs, "text/html", "par-inject - nearest-neighbour"));
        Assert.Equal(1, Count(outputs, "text/html", "Per-image CIDEr-D"));
        Assert.Equal(1, Count(outputs, "text/html", "the 3 best test captions"));
        Assert.Equal(1, Count(outputs, "text/html", "the 3 worst test captions"));
        var folders = new WorkbookFolders(fixture.WorkDir);
        Assert.Equal(8, Directory.GetFiles(folders.Evaluations, "*.json").Length); // 4 models x (beam 2 with bootstrap, reused in the sweep; beam 1 without)
    }

    [Fact]
    public void CaptionNewPhotos_CaptionsTheFirstTestImages()
    {
        var run = fixture.Succeeded("05-caption-new-photos");
        var lines = run.Cells.SelectMany(c => c.Outputs).Where(o => o.Kind == Captioning.Notebooks.OutputKind.Stdout)
            .SelectMany(o => o.Data["text/plain"].Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(3, lines.Count);
        // One epoch on 90 images may well give an empty caption; the line still names the photo and its log-probability.
        Assert.All(lines, l => Assert.Matches(@"^synth_\d{5}\.jpg  .* \(-\d+\.\d\d\)$", l));
        var outputs = fixture.IpynbOutputs("05-caption-new-photos");
        var gallery = outputs.Single(o => o.Mime == "text/html" && o.Content.Contains("caption-gallery")).Content;
        Assert.Equal(3, gallery.Split("<figure").Length - 1);
        Assert.Contains("data:image/png;base64,", gallery);
    }
}
