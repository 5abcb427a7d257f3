using Captioning.Data;
using Captioning.Features;
using Captioning.Notebooks;
using Captioning.Reports;
using Captioning.Tests.Reports;
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
        // The vocabulary as a table (every id: specials first), one caption encoded, its tutorial samples, both counts.
        var vocabulary = Vocabulary.Load(Path.Combine(folders.Prepared, "vocabulary.json"));
        Assert.Equal(1, Count(outputs, "text/html", $"{vocabulary.Count} rows x 3 columns"));
        Assert.Contains(outputs, o => o.Mime == "text/html" && o.Content.Contains("<td>&lt;unk&gt;</td>") && o.Content.Contains("<th>count</th>"));
        var encoded = outputs.Single(o => o.Mime == "stream" && o.Content.StartsWith("words:  ", StringComparison.Ordinal)).Content;
        Assert.Contains("\ninput:  <start> ", encoded);
        Assert.Contains(" <end>", encoded);
        Assert.Contains("'zebra', gets id 3 (<unk>)", encoded);
        Assert.Equal(1, Count(outputs, "text/html", "<th>prefix ids (front-padded)</th>"));
        // 90 training images with five captions each: 450 rows; the pairs add one per word.
        Assert.Contains(outputs, o => o.Content.Contains("prefix samples (the tutorial's way) or 450 teacher-forced rows"));
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
        // The word families rated on the map (colourWords "best" colours by the top row), and the sentence computed from it.
        Assert.Equal(1, Count(outputs, "text/html", "between/within ratio"));
        Assert.Contains(outputs, o => o.Mime == "stream" && System.Text.RegularExpressions.Regex.IsMatch(o.Content,
            @"^On this map, the first two components (separate|partly separate|do not separate) '[a-z]+' \(\d+\)(, '[a-z]+' \(\d+\))* and '[a-z]+' \(\d+\): between-group / within-group variance ratio \d+\.\d\d"));
    }

    [Fact]
    public void MergeVsInject_TrainsFourArchitecturesWithTwoSeedsAndPlotsLossAndSizes()
    {
        fixture.Succeeded("03-merge-vs-inject");
        var folders = new WorkbookFolders(fixture.WorkDir);
        var experiment = Experiment.Current(folders);
        // The notebook's parameters, as the fixture set them, are the experiment's settings.
        Assert.Equal(new ExperimentSettings() with { Dropout = 0.2, ImageDropout = 0.1, Epochs = 1 }, experiment.Settings);
        Assert.Equal([1, 2], experiment.Seeds);
        foreach (var name in Captioning.Models.CaptionModelOptions.ArchitectureNames)
        {
            foreach (var seed in new[] { 1, 2 })
            {
                var run = folders.Run(name, seed);
                Assert.Equal(Path.Combine(folders.Runs, experiment.Key, $"{name}-seed{seed}"), run.Path);
                Assert.True(run.IsFinished, name);
                Assert.Single(run.ReadMetrics());
                var (model, training, _, _) = run.ReadConfig();
                Assert.Equal(Captioning.Models.CaptionModelOptions.ParseArchitecture(name), model.Architecture);
                Assert.Equal(TrainingPreset.Demo.Model.Hidden, model.HiddenDimension);
                Assert.Equal((1, seed), (training.Epochs, training.Seed));
                Assert.Equal((0.2, 0.1), (model.Dropout, model.ImageDropout));
            }
        }
        var outputs = fixture.IpynbOutputs("03-merge-vs-inject");
        // The experiment: its key and the settings table.
        Assert.Equal(1, Count(outputs, "text/html", $"experiment {experiment.Key} in"));
        Assert.Contains(outputs, o => o.Mime == "stream" && o.Content.Contains("brownlee-merge differs in: embedding 128 → 256; hidden 128 → 256; dropout 0.2 → 0.5; imageDropout 0.1 → 0.5;"));
        Assert.Equal(1, Count(outputs, "text/html", "Trainable parameters per architecture"));
        // The loss cell: an untrained model's masked cross-entropy is close to ln V (a uniform guess).
        var loss = outputs.Single(o => o.Mime == "stream" && o.Content.Contains("masked cross-entropy of the untrained model")).Content;
        var match = System.Text.RegularExpressions.Regex.Match(loss, @"untrained model: ([0-9.]+) over (\d+) real target words of (\d+) positions \(ln V = ([0-9.]+)\)");
        Assert.True(match.Success, loss);
        var (value, lnV) = (double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), double.Parse(match.Groups[4].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(value, lnV - 0.3, lnV + 0.3);
        Assert.True(int.Parse(match.Groups[2].Value) < int.Parse(match.Groups[3].Value), loss); // padding is left out
        Assert.Contains("after one Adam step the same batch's loss is", loss);
        // The curves: one colour per model, a seed band, dashed training lines, a best-epoch star.
        Assert.Equal(1, Count(outputs, "text/html", "merge (seed range)"));
        Assert.Equal(1, Count(outputs, "text/html", "\"dash\":\"dash\""));
        Assert.Equal(1, Count(outputs, "text/html", "\"symbol\":\"star\""));
        Assert.Contains(outputs, o => o.Mime == "stream" && o.Content.Contains("Best validation loss per model, mean of 2 seeds, lowest first: "));
        // A layer summary and an SVG diagram for merge and each inject variant.
        Assert.Equal(4, Count(outputs, "text/html", "<table class=\"model-summary\">"));
        Assert.Equal(4, Count(outputs, "text/html", "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"model-diagram\""));
        Assert.Equal(1, Count(outputs, "text/html", "par-inject: [word; image] each step"));
        // The per-epoch metrics as a DataFrame: four models, two seeds, one epoch each.
        Assert.Equal(1, Count(outputs, "text/html", "<th>validation loss</th>"));
        Assert.Equal(1, Count(outputs, "text/html", "8 rows x 8 columns"));
        Assert.Contains(outputs, o => o.Mime == "stream" && o.Content.Contains("merge seed 1 epoch 1/1: train loss"));
        Assert.Contains(outputs, o => o.Mime == "stream" && o.Content.Contains("par-inject seed 2 epoch 1/1: train loss"));
    }

    [Fact]
    public void MergeVsInject_ParameterDefaultsAreTheDemoRecipe()
    {
        var notebook = Captioning.Notebooks.DibParser.Load(WorkbookNotebooksFixture.NotebookFiles().Single(f => f.EndsWith("03-merge-vs-inject.dib", StringComparison.Ordinal)));
        var literals = Captioning.Notebooks.NotebookParameters.Read(notebook).ToDictionary(p => p.Name, p => p.Literal);
        var demo = ExperimentSettings.FromPreset(TrainingPreset.Demo, "small-cnn");
        Assert.Equal(new ExperimentSettings(), demo);
        foreach (var (name, value) in demo.Rows())
            Assert.Equal(value, literals[name].Trim('"') is "" ? "(none)" : literals[name].Trim('"'));
        Assert.Equal("\"merge init-inject pre-inject par-inject\"", literals["architectures"]);
        Assert.Equal("2", literals["seeds"]);
        Assert.DoesNotContain("preset", literals.Keys);
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
        Directory.CreateDirectory(library.Prepared);
        foreach (var file in Directory.GetFiles(folders.Prepared)) File.Copy(file, Path.Combine(library.Prepared, Path.GetFileName(file)));
        var settings = new ExperimentSettings() with { Dropout = 0.2, ImageDropout = 0.1, Epochs = 1 };
        var experiment = Experiment.Open(library, WorkbookData.Directory(folders, ""), settings, "merge");
        var trained = WorkbookTraining.TrainOrResume(experiment, "merge", 1);
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
        Assert.Equal(8, text.Split(": already finished;").Length - 1);
        Assert.DoesNotContain("epoch 1/1: train loss", text);
    }

    [Fact]
    public void MergeVsInject_RerunWithAChangedParameterTrainsANewExperimentAndKeepsTheOld()
    {
        Assert.NotNull(fixture.ChangedRerun);
        Assert.True(fixture.ChangedRerun!.Succeeded, fixture.ChangedRerun.FailureSummary());
        var text = string.Join("\n", fixture.ChangedRerun.Cells.SelectMany(c => c.Outputs).Select(o => o.Data["text/plain"]));
        Assert.Equal(4, text.Split(" seed 1: trained;").Length - 1);
        Assert.DoesNotContain("already finished", text);
        var original = Experiment.Current(new WorkbookFolders(fixture.WorkDir));
        var changed = new WorkbookFolders(fixture.ChangedWorkDir!);
        var experiment = Experiment.Current(changed);
        Assert.NotEqual(original.Key, experiment.Key);
        Assert.Equal(original.Settings with { Hidden = 64 }, experiment.Settings);
        foreach (var name in Captioning.Models.CaptionModelOptions.ArchitectureNames)
        {
            Assert.Equal(64, changed.Run(name).ReadConfig().Model.HiddenDimension);
            // The first experiment's runs are still there, finished, under their own key.
            foreach (var seed in new[] { 1, 2 })
                Assert.True(new Captioning.Training.RunFolder(Path.Combine(changed.Runs, original.Key, $"{name}-seed{seed}")).IsFinished, $"{name} seed {seed}");
        }
    }

    [Fact]
    public void Evaluation_TablesEveryModelAndBothBaselines()
    {
        fixture.Succeeded("04-evaluation");
        var outputs = fixture.IpynbOutputs("04-evaluation");
        // The scores as a DataFrame, then sorted by CIDEr-D in the next cell: both show every model and baseline.
        var frames = outputs.Where(o => o.Mime == "text/html" && o.Content.Contains("<th>CIDEr-D low</th>")).Select(o => o.Content).ToList();
        Assert.Equal(2, frames.Count);
        foreach (var row in new[] { "merge", "init-inject", "pre-inject", "par-inject", "baseline: most-frequent", "baseline: nearest-neighbour" })
            Assert.All(frames, frame => Assert.Contains("</th><td>" + row + "</td>", frame));
        Assert.All(frames, frame => Assert.Contains("6 rows x 19 columns", frame));
        // The merge model's five lowest per-image scores.
        Assert.Equal(1, Count(outputs, "text/html", "5 rows x 5 columns"));
        Assert.Equal(1, Count(outputs, "text/html", "Test-split scores by model"));
        Assert.Equal(1, Count(outputs, "text/html", "BLEU-4 by beam size"));
        Assert.Equal(1, Count(outputs, "text/html", "CIDEr-D by beam size"));
        Assert.Equal(1, Count(outputs, "text/html", "Paired bootstrap: merge minus"));
        Assert.Equal(1, Count(outputs, "text/html", "each model minus the nearest-neighbour baseline"));
        Assert.Equal(1, Count(outputs, "text/html", "par-inject - nearest-neighbour"));
        Assert.Equal(1, Count(outputs, "text/html", "Per-image CIDEr-D"));
        Assert.Equal(1, Count(outputs, "text/html", "the 3 best test captions"));
        Assert.Equal(1, Count(outputs, "text/html", "the 3 worst test captions"));
        // One gallery of the same 3 photos: each once, a row per model and baseline, scores x100 with one decimal.
        var every = outputs.Single(o => o.Mime == "text/html" && o.Content.Contains("caption-comparison")).Content;
        Assert.Contains("every model&#39;s caption and both baselines&#39;", every);
        Assert.Equal(3, every.Split("<figure class=\"comparison-item\"").Length - 1);
        Assert.Equal(3, every.Split("data:image/png;base64,").Length - 1);
        foreach (var model in Captioning.Models.CaptionModelOptions.ArchitectureNames)
            Assert.Equal(3, every.Split($"<th style=\"text-align:left;white-space:nowrap\">{model}</th>").Length - 1);
        foreach (var baseline in new[] { "most-frequent", "nearest-neighbour" })
            Assert.Equal(3, every.Split($"font-style:italic;color:#6b7280\"><th style=\"text-align:left;white-space:nowrap\">baseline: {baseline}</th>").Length - 1);
        Assert.Equal(3 * 6 * 2, System.Text.RegularExpressions.Regex.Matches(every, @"<td style=""text-align:right"">\d+\.\d</td>").Count);
        // coco-caption and NLTK BLEU side by side; BLEU worked through; the caption's greedy and beam decoding traced.
        Assert.Equal(1, Count(outputs, "text/html", "<th>NLTK BLEU-4</th>"));
        Assert.Equal(1, Count(outputs, "text/html", "6 rows x 9 columns"));
        var worked = outputs.Single(o => o.Mime == "stream" && o.Content.Contains("BLEU-4 = BP · (")).Content;
        Assert.Contains("\np1 = ", worked);
        Assert.Contains(", BP = ", worked);
        Assert.Contains(outputs, o => o.Mime == "stream" && o.Content.StartsWith("step  0  <start> ", StringComparison.Ordinal));
        Assert.Contains(outputs, o => o.Mime == "stream" && o.Content.StartsWith("step 0\n", StringComparison.Ordinal) && o.Content.Contains("log p"));
        var folders = new WorkbookFolders(fixture.WorkDir);
        // 4 models x (seed 1: beam 2 with bootstrap, reused in the sweep; beam 1 without; seeds 1 and 2: beam 2 without bootstrap)
        var key = Experiment.Current(folders).Key;
        Assert.Equal(16, Directory.GetFiles(folders.Evaluations, key + "-*.json").Length);
        Assert.True(File.Exists(Path.Combine(folders.Evaluations, $"{key}-par-inject-seed2-test-beam2-bootstrap0.json")));
        // Every seed's run scored next to the bootstrap, and the sentence computed from them.
        Assert.Equal(1, Count(outputs, "text/html", "<th>BLEU-4 lowest seed</th>"));
        Assert.Equal(1, Count(outputs, "text/html", "4 rows x 10 columns"));
        Assert.Contains(outputs, o => o.Mime == "stream" && o.Content.StartsWith("Over 2 seeds, the widest spread is ", StringComparison.Ordinal) &&
            o.Content.Contains("merge minus par-inject: BLEU-4 "));
    }

    [Fact]
    public void CaptionNewPhotos_CaptionsNewScenesMostSureFirst()
    {
        var run = fixture.Succeeded("05-caption-new-photos");
        var lines = run.Cells.SelectMany(c => c.Outputs).Where(o => o.Kind == Captioning.Notebooks.OutputKind.Stdout)
            .SelectMany(o => o.Data["text/plain"].Split('\n', StringSplitOptions.RemoveEmptyEntries)).Where(l => l.StartsWith("synth_", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, lines.Count);
        // One epoch on 90 images may well give an empty caption; the line still names the photo and its log-probability.
        Assert.All(lines, l => Assert.Matches(@"^synth_\d{5}\.jpg  .* \((-\d+\.\d\d|0\.00) per word, -?\d+\.\d\d in all\)$", l));
        var perWord = lines.Select(l => double.Parse(System.Text.RegularExpressions.Regex.Match(l, @"\((\S+) per word").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(perWord.OrderByDescending(v => v), perWord);
        // New scenes drawn with newPhotoSeed 2 (the generator's minimum of 8, of which the first 3 are captioned), not the dataset's images.
        Assert.Equal(8, Directory.GetFiles(Path.Combine(fixture.WorkDir, "new-photos", "seed-2", "Flickr8k_Dataset"), "*.jpg").Length);
        var outputs = fixture.IpynbOutputs("05-caption-new-photos");
        var gallery = outputs.First(o => o.Mime == "text/html" && o.Content.Contains("caption-gallery")).Content;
        Assert.Equal(3, gallery.Split("<figure").Length - 1);
        Assert.Contains("data:image/png;base64,", gallery);
    }

    [Fact]
    public void CaptionNewPhotos_CaptionsDebiansRealPhotographAndSaysWhy()
    {
        Assert.True(File.Exists(RealPhotos.DebianSamplePhoto), $"'{RealPhotos.DebianSamplePhoto}' is missing: run environment/setup (installs python-matplotlib-data)");
        fixture.Succeeded("05-caption-new-photos");
        var outputs = fixture.IpynbOutputs("05-caption-new-photos");
        // The tiny run's encoder is small-cnn at 48 pixels; its vocabulary comes from the synthetic captions.
        var stdout = string.Join("\n", outputs.Where(o => o.Mime == "stream").Select(o => o.Content));
        Assert.Matches(@"(?m)^grace_hopper\.jpg  .* \((-\d+\.\d\d|0\.00) per word, -?\d+\.\d\d in all\)$", stdout);
        Assert.Matches(@"The caption model learnt its \d+ words from descriptions of synthetic scenes: shapes \([a-z, ]+\), colours \([a-z, ]+\)", stdout);
        Assert.Contains("Its features come from small-cnn, the network notebook 02 trained on the synthetic scenes: it sees the photo shrunk to 48x48 pixels", stdout);
        Assert.DoesNotContain("is missing", stdout);
        var gallery = outputs.Single(o => o.Mime == "text/html" && o.Content.Contains("real photographs")).Content;
        Assert.Equal(1, gallery.Split("<figure").Length - 1);
        Assert.Contains("grace_hopper.jpg", gallery);
    }

    [Fact]
    public void Report_SharesOnePlotlyReferencesNoCdnAndDrawsOffline()
    {
        foreach (var name in fixture.Runs.Keys) fixture.Succeeded(name);
        NotebookReport.WriteIndex(fixture.Runs.Values.ToList(), fixture.Report);
        Assert.Single(Directory.GetFiles(fixture.Report, "*.js"), f => Path.GetFileName(f) == "plotly.min.js");
        foreach (var file in Directory.GetFiles(fixture.Report).Where(f => f.EndsWith(".html") || f.EndsWith(".ipynb")))
        {
            var text = File.ReadAllText(file);
            Assert.True(OfflinePages.CdnReferences(text) is [], $"{Path.GetFileName(file)} references a CDN: {string.Join(" | ", OfflinePages.CdnReferences(text))}");
            if (file.EndsWith(".html"))
            {
                Assert.Equal(1, text.Split("<script src=\"plotly.min.js\"></script>").Length - 1);
                Assert.DoesNotContain("data-caption-plotly", text);
            }
            else
            {
                var html = OfflinePages.NotebookHtml(text);
                var firstChart = html.ToList().FindIndex(PlotlyJs.HasChart);
                Assert.Equal(firstChart < 0 ? 0 : 1, html.Count(h => h.Contains("data-caption-plotly")));
                if (firstChart >= 0) Assert.StartsWith(PlotlyJs.Loader(), html[firstChart]);
            }
        }
        // Chromium, with no network, draws every chart of the evaluation report from the folder's plotly.min.js.
        var report = Path.Combine(fixture.Report, "04-evaluation.html");
        var charts = File.ReadAllText(report).Split("class=\"plotly-figure\"").Length - 1;
        Assert.Equal(4, charts);
        Assert.Equal(charts, OfflinePages.DrawnCharts(OfflinePages.RenderedDom(report)));
    }
}
