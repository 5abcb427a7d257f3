using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Xunit;

namespace Captioning.Tests.Cli;

/// <summary>
/// The <see cref="PipelineFixture"/> data and features plus runs trained once through `caption train` (in process) and
/// shared by the option, evaluation and validation-score tests, so each run is trained only once per test session.
/// </summary>
public sealed class TrainedRunsFixture : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<string>> runs = new();

    public PipelineFixture Pipeline { get; } = new();

    /// <summary>`caption train` on the fixture's data: demo preset, merge, batch 16, one thread, plus <paramref name="extra"/>.</summary>
    public string[] TrainArgs(string output, int epochs, params string[] extra) =>
        ["train", "--data", Pipeline.Data, "--features", Pipeline.Features, "--preset", "demo", "--model", "merge", "--epochs", epochs.ToString(),
         "--batch", "16", "--threads", "1", "--out", output, .. extra];

    /// <summary>Trains a new run folder and fails the test when training fails.</summary>
    public string Train(string name, int epochs, params string[] extra)
    {
        var run = Pipeline.NewFolder(name);
        var (code, _, stderr) = CliRunner.Run(TrainArgs(run, epochs, extra));
        Assert.True(code == 0, stderr);
        return run;
    }

    /// <summary>A run trained on first use with these arguments and shared afterwards (treat it as read-only).</summary>
    public string Shared(int epochs, params string[] extra) =>
        runs.GetOrAdd($"{epochs} {string.Join(' ', extra)}", _ => new Lazy<string>(() => Train("shared", epochs, extra))).Value;

    /// <summary>Copies every file of <paramref name="source"/> (a run folder) into <paramref name="target"/>, keeping the layout.</summary>
    public static void CopyRun(string source, string target)
    {
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }

    /// <summary>The "training" object of a run's config.json.</summary>
    public static JsonNode TrainingConfig(string run) => JsonNode.Parse(File.ReadAllText(Path.Combine(run, "config.json")))!["training"]!;

    public void Dispose() => Pipeline.Dispose();
}

[CollectionDefinition(Name)]
public sealed class TrainedRunsCollection : ICollectionFixture<TrainedRunsFixture>
{
    public const string Name = "trained runs";
}
