using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Captioning.Data;
using Captioning.Features;
using Captioning.Models;
using Captioning.Reports;
using Captioning.Training;
using TorchSharp;

namespace Captioning.Workbook;

/// <summary>
/// Notebook 03's experiment: a set of <see cref="ExperimentSettings"/> trained for several architectures and seeds, in
/// <c>runs/&lt;key&gt;/&lt;architecture&gt;-seed&lt;N&gt;/</c> under the work folder. The key is a hash of the settings and of
/// the data they learn from, so an unchanged rerun finds its finished runs and a changed parameter trains new ones (the old
/// ones stay, under their own key). Opening an experiment makes it the <em>current</em> one (<c>runs/current.json</c>),
/// which notebooks 04 and 05 and <c>caption demo</c> evaluate.
/// </summary>
[TypeFormatterSource(typeof(RichFormatterSource))]
public sealed class Experiment : IHtmlRenderable
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private Experiment(WorkbookFolders folders, string dataDir, string key, ExperimentSettings settings, IReadOnlyList<string> architectures, IReadOnlyList<int> seeds)
    {
        Folders = folders;
        DataDir = dataDir;
        Key = key;
        Settings = settings;
        Architectures = architectures;
        Seeds = seeds;
    }

    /// <summary>The work folder.</summary>
    public WorkbookFolders Folders { get; }

    /// <summary>The dataset folder (Flickr8k layout) the runs learn from.</summary>
    public string DataDir { get; }

    /// <summary>12 hex digits naming these settings on this data (<see cref="ExperimentSettings.Key"/>).</summary>
    public string Key { get; }

    /// <summary>The folder of the experiment's runs, <c>runs/&lt;key&gt;</c>.</summary>
    public string Path => System.IO.Path.Combine(Folders.Runs, Key);

    /// <summary>What every run of the experiment is trained with.</summary>
    public ExperimentSettings Settings { get; }

    /// <summary>The architectures to train, in the order given.</summary>
    public IReadOnlyList<string> Architectures { get; }

    /// <summary>The seeds each architecture is trained with: one run per seed.</summary>
    public IReadOnlyList<int> Seeds { get; }

    /// <summary>
    /// The experiment of <paramref name="settings"/> on the prepared data and <paramref name="settings"/>' encoder features in
    /// <paramref name="folders"/>: <paramref name="architectures"/> (names separated by spaces or commas), each with
    /// <paramref name="seeds"/> seeds from <paramref name="firstSeed"/> on. Writes its settings.json and makes it current.
    /// </summary>
    public static Experiment Open(WorkbookFolders folders, string dataDir, ExperimentSettings settings, string architectures, int seeds = 1, int firstSeed = 1)
    {
        settings.Validate();
        var names = ParseArchitectures(architectures);
        if (seeds < 1) throw new CaptioningException($"seeds must be at least 1 (runs per architecture), got {seeds}");
        var seedList = Enumerable.Range(firstSeed, seeds).ToList();
        var dataset = DatasetPreparer.Load(dataDir, null, new PrepareOptions());
        var vocabulary = WorkbookData.TrainingVocabulary(folders, dataset);
        var storePath = folders.FeatureStore(settings.Encoder);
        if (!File.Exists(storePath))
            throw new CaptioningException($"no features of encoder '{settings.Encoder}' in '{storePath}'; run 02-feature-extraction.dib with encoder = \"{settings.Encoder}\" and the same workDir first");
        string fingerprint;
        using (var store = FeatureStore.Open(storePath)) fingerprint = TrainingData.Fingerprint(store);
        return MakeCurrent(folders, dataDir, settings.Key(fingerprint + "\n" + RunFolder.Fingerprint(vocabulary)), settings, names, seedList);
    }

    // Writes the experiment's settings.json (once) and points runs/current.json at it.
    internal static Experiment MakeCurrent(WorkbookFolders folders, string dataDir, string key, ExperimentSettings settings, IReadOnlyList<string> architectures,
        IReadOnlyList<int> seeds)
    {
        var experiment = new Experiment(folders, System.IO.Path.GetFullPath(dataDir), key, settings, architectures, seeds);
        Directory.CreateDirectory(experiment.Path);
        var settingsPath = System.IO.Path.Combine(experiment.Path, "settings.json");
        if (!File.Exists(settingsPath)) AtomicFile.WriteAllText(settingsPath, settings.ToJson());
        AtomicFile.WriteAllText(CurrentPath(folders), JsonSerializer.Serialize(new CurrentExperiment(key, experiment.DataDir, architectures, seeds), Json));
        return experiment;
    }

    /// <summary>The experiment notebook 03 opened last in <paramref name="folders"/>; a clear error when there is none.</summary>
    public static Experiment Current(WorkbookFolders folders)
    {
        var path = CurrentPath(folders);
        if (!File.Exists(path))
        {
            var old = CaptionModelOptions.ArchitectureNames.Any(a => Directory.Exists(System.IO.Path.Combine(folders.Runs, a)));
            throw new CaptioningException($"no experiment in '{folders.Runs}' yet: run 03-merge-vs-inject.dib with the same workDir first" +
                (old ? " (the runs/merge-style folders there come from an earlier version of the workbook, which kept one run per architecture; 03 now trains into runs/<settings key>/)" : ""));
        }
        CurrentExperiment? current;
        try
        {
            current = JsonSerializer.Deserialize<CurrentExperiment>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new CaptioningException($"'{path}' is not valid JSON ({e.Message}); rerun 03-merge-vs-inject.dib to write it again");
        }
        if (current is not { Key.Length: > 0, DataDir.Length: > 0, Architectures.Count: > 0, Seeds.Count: > 0 })
            throw new CaptioningException($"'{path}' lacks the key, data folder, architectures or seeds of the current experiment; rerun 03-merge-vs-inject.dib to write it again");
        var settingsPath = System.IO.Path.Combine(folders.Runs, current.Key, "settings.json");
        if (!File.Exists(settingsPath)) throw new CaptioningException($"'{path}' names experiment {current.Key}, but '{settingsPath}' is missing; rerun 03-merge-vs-inject.dib");
        return new Experiment(folders, current.DataDir, current.Key, ExperimentSettings.Read(settingsPath), current.Architectures, current.Seeds);
    }

    /// <summary>The run folder of <paramref name="architecture"/> with <paramref name="seed"/> (default: the first seed).</summary>
    public RunFolder Run(string architecture, int? seed = null)
    {
        var name = CaptionModelOptions.NameOf(CaptionModelOptions.ParseArchitecture(architecture));
        if (!Architectures.Contains(name))
            throw new CaptioningException($"experiment {Key} trains {string.Join(", ", Architectures)}, not '{architecture}'; add it to the architectures parameter of notebook 03");
        var s = seed ?? Seeds[0];
        if (!Seeds.Contains(s)) throw new CaptioningException($"experiment {Key} trains seeds {string.Join(", ", Seeds)}, not {s}; raise the seeds parameter of notebook 03");
        return new RunFolder(System.IO.Path.Combine(Path, string.Create(CultureInfo.InvariantCulture, $"{name}-seed{s}")));
    }

    /// <summary>Every run of the experiment, architecture by architecture, seed by seed.</summary>
    public IEnumerable<(string Architecture, int Seed, RunFolder Run)> Runs() =>
        Architectures.SelectMany(a => Seeds.Select(s => (a, s, Run(a, s))));

    /// <summary>
    /// Trains <paramref name="architecture"/> once per seed into its run folders (<see cref="WorkbookTraining.TrainOrResume"/>):
    /// a finished run is read back, an interrupted one resumed. Each finished epoch reaches <paramref name="curves"/> as it ends.
    /// An architecture not in <see cref="Architectures"/> trains nothing and says so. <paramref name="define"/> builds the model
    /// instead of the library (a class defined in a notebook cell).
    /// </summary>
    public TrainedModel Train(string architecture, LossCurves? curves = null, Action<string>? log = null, torch.Device? device = null,
        Func<CaptionModelOptions, CaptionModel>? define = null, CancellationToken cancellation = default)
    {
        var name = CaptionModelOptions.NameOf(CaptionModelOptions.ParseArchitecture(architecture));
        if (!Architectures.Contains(name))
        {
            log?.Invoke($"{name}: not in this experiment's architectures ({string.Join(", ", Architectures)}); nothing to train");
            return new TrainedModel(name, []);
        }
        var runs = Seeds.Select(seed => WorkbookTraining.TrainOrResume(this, name, seed, curves, log, cancellation, device, define)).ToList();
        return new TrainedModel(name, runs);
    }

    /// <summary>Key, folder, the seeds and architectures, and how many runs have finished.</summary>
    public override string ToString()
    {
        var finished = Runs().Count(r => r.Run.IsFinished);
        return string.Create(CultureInfo.InvariantCulture,
            $"experiment {Key} in '{Path}': {string.Join(", ", Architectures)} x seeds {string.Join(", ", Seeds)}; {finished} of {Architectures.Count * Seeds.Count} runs finished");
    }

    /// <inheritdoc/>
    public string ToHtml()
    {
        var html = new StringBuilder();
        html.Append("<p>").Append(WebUtility.HtmlEncode(ToString())).Append("</p>");
        html.Append(FrameHtml.ToHtml(Settings.ToFrame()));
        return html.ToString();
    }

    private static string CurrentPath(WorkbookFolders folders) => System.IO.Path.Combine(folders.Runs, "current.json");

    private static List<string> ParseArchitectures(string architectures)
    {
        var names = architectures.Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries)
            .Select(a => CaptionModelOptions.NameOf(CaptionModelOptions.ParseArchitecture(a))).Distinct().ToList();
        if (names.Count == 0)
            throw new CaptioningException($"architectures is empty; list one or more of {string.Join(", ", CaptionModelOptions.ArchitectureNames)}, separated by spaces");
        return names;
    }

    private sealed record CurrentExperiment(string Key, string DataDir, IReadOnlyList<string> Architectures, IReadOnlyList<int> Seeds);
}

/// <summary>One architecture of an <see cref="Experiment"/>, trained with every seed.</summary>
/// <param name="Model">Architecture name.</param>
/// <param name="Runs">One run per seed, in seed order (empty when the experiment does not train this architecture).</param>
public sealed record TrainedModel(string Model, IReadOnlyList<TrainedRun> Runs)
{
    /// <summary>One line per seed.</summary>
    public override string ToString() => Runs.Count == 0 ? $"{Model}: not trained in this experiment" : string.Join("\n", Runs);
}
