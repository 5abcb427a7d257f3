using System.Globalization;
using System.Text;
using Captioning.Reports;
using Captioning.Training;
using Microsoft.Data.Analysis;

namespace Captioning.Workbook;

/// <summary>
/// Training and validation loss per epoch of several models, each trained with one or more seeds, in one figure. Fed live
/// by a <see cref="Trainer"/>'s EpochCompleted event, or read back from run folders' metrics.
/// </summary>
[TypeFormatterSource(typeof(RichFormatterSource))]
public sealed class LossCurves : IHtmlRenderable
{
    private readonly List<(string Model, int Seed, SortedDictionary<int, EpochMetrics> Epochs)> runs = [];

    /// <summary>Creates an empty plot with a title.</summary>
    public LossCurves(string title = "Loss per epoch") => Title = title;

    /// <summary>The figure's title.</summary>
    public string Title { get; }

    /// <summary>Model names in the order they were first added.</summary>
    public IReadOnlyList<string> Models => runs.Select(r => r.Model).Distinct().ToList();

    /// <summary>The seeds recorded for <paramref name="model"/>, in the order added.</summary>
    public IReadOnlyList<int> Seeds(string model) => runs.Where(r => r.Model == model).Select(r => r.Seed).ToList();

    /// <summary>The epochs recorded for <paramref name="model"/> with <paramref name="seed"/> (default: its first seed), in epoch order.</summary>
    public IReadOnlyList<EpochMetrics> History(string model, int? seed = null) =>
        runs.FirstOrDefault(r => r.Model == model && (seed is null || r.Seed == seed)).Epochs?.Values.ToList() ?? [];

    /// <summary>Records one finished epoch of <paramref name="model"/>'s run with <paramref name="seed"/> (a repeated epoch replaces the earlier record, as after a resume).</summary>
    public LossCurves Add(string model, EpochMetrics epoch, int seed = 1)
    {
        var entry = runs.FirstOrDefault(r => r.Model == model && r.Seed == seed);
        if (entry.Epochs is null)
        {
            entry = (model, seed, new SortedDictionary<int, EpochMetrics>());
            runs.Add(entry);
        }
        entry.Epochs[epoch.Epoch] = epoch;
        return this;
    }

    /// <summary>Adds every epoch a run folder has recorded so far.</summary>
    public LossCurves AddRun(string model, RunFolder run, int seed = 1)
    {
        foreach (var epoch in run.ReadMetrics()) Add(model, epoch, seed);
        return this;
    }

    /// <summary>Subscribes to <paramref name="trainer"/> so that each finished epoch lands in the plot as it happens.</summary>
    public void Attach(Trainer trainer, string model, int seed = 1) => trainer.EpochCompleted += epoch => Add(model, epoch, seed);

    /// <summary>
    /// The plot, one colour per model: the validation loss as a solid line (the mean over the model's seeds, with a band from
    /// the lowest to the highest seed when there are several), the training loss dashed, and a star on the epoch of the lowest
    /// mean validation loss.
    /// </summary>
    public Figure ToFigure(bool includeTraining = true)
    {
        var seeds = Models.Select(m => Seeds(m).Count).DefaultIfEmpty(1).Max();
        var what = seeds > 1 ? $"mean of {seeds} seeds, band: lowest to highest seed" : "one seed";
        var figure = new Figure($"{Title}: validation (solid, {what}){(includeTraining ? ", training (dashed)" : "")}; star: lowest validation loss",
            "epoch", "cross-entropy per word") { Height = 460 };
        var models = Models;
        for (var i = 0; i < models.Count; i++)
        {
            var (model, colour) = (models[i], Figure.Colour(i));
            var validation = Across(model, e => e.ValidationLoss);
            var x = validation.Select(v => (double)v.Epoch).ToList();
            if (Seeds(model).Count > 1)
                figure.AddBand(model + " (seed range)", x, validation.Select(v => v.Low).ToList(), validation.Select(v => v.High).ToList(), colour, model);
            figure.AddLine(model + " (validation)", x, validation.Select(v => v.Mean).ToList(), new LineStyle(colour, Group: model));
            if (includeTraining)
            {
                var training = Across(model, e => e.TrainLoss);
                figure.AddLine(model + " (training)", training.Select(v => (double)v.Epoch).ToList(), training.Select(v => v.Mean).ToList(),
                    new LineStyle(colour, Dashed: true, Group: model, Markers: false));
            }
            if (validation.Count > 0)
            {
                var best = validation.MinBy(v => v.Mean);
                figure.AddMarkers(model + " (best epoch)", [best.Epoch], [best.Mean], colour, group: model, inLegend: false);
            }
        }
        return figure;
    }

    /// <summary>
    /// A sentence comparing the models by their best validation loss (the epoch kept as best.safetensors), computed from the
    /// recorded runs: which model is lowest and highest on average over its seeds, and whether the seeds' spread separates them.
    /// </summary>
    public string Comparison()
    {
        var best = Models.Select(m => (Model: m, Values: runs.Where(r => r.Model == m && r.Epochs.Count > 0)
                .Select(r => r.Epochs.Values.Min(e => e.ValidationLoss)).ToList()))
            .Where(m => m.Values.Count > 0)
            .Select(m => (m.Model, m.Values, Mean: m.Values.Average(), Low: m.Values.Min(), High: m.Values.Max()))
            .OrderBy(m => m.Mean).ToList();
        if (best.Count == 0) return "No model has finished an epoch yet.";
        string Describe((string Model, List<double> Values, double Mean, double Low, double High) m) => m.Values.Count == 1
            ? F($"{m.Model} {m.Mean:F3}")
            : F($"{m.Model} {m.Mean:F3} (seeds {m.Low:F3}-{m.High:F3})");
        var seeds = best.Max(m => m.Values.Count);
        var text = new StringBuilder();
        text.Append(F($"Best validation loss per model, {(seeds > 1 ? $"mean of {seeds} seeds" : "one seed")}, lowest first: "))
            .Append(string.Join(", ", best.Select(Describe))).Append(". ");
        if (best.Count == 1) return text.ToString().TrimEnd();
        if (seeds == 1)
        {
            text.Append(F($"The gap from {best[0].Model} to {best[^1].Model} is {best[^1].Mean - best[0].Mean:F3}, but with one seed per model nothing shows how much of it another seed would change: set seeds = 2 or more before reading the order."));
            return text.ToString();
        }
        var leader = best[0];
        var tied = best.Skip(1).Where(m => m.Low <= leader.High).Select(m => m.Model).ToList();
        var behind = best.Skip(1).Where(m => m.Low > leader.High).Select(m => m.Model).ToList();
        if (behind.Count == 0)
            text.Append(F($"Every model's seed range overlaps {leader.Model}'s: with these seeds, no model is shown to fit the validation captions better than another."));
        else if (tied.Count == 0)
            text.Append(F($"{leader.Model}'s worst seed is still below every other model's best seed: on this data it is ahead beyond what a change of seed moves."));
        else
            text.Append(F($"{string.Join(" and ", tied)} overlap{(tied.Count == 1 ? "s" : "")} {leader.Model}'s seed range (not separated by these seeds); {string.Join(" and ", behind)} {(behind.Count == 1 ? "is" : "are")} behind beyond the seeds' spread."));
        return text.ToString();
    }

    /// <summary>
    /// Every recorded epoch as a DataFrame, one row per model, seed and epoch (in the order added): model, seed, epoch,
    /// train loss, validation loss, learning rate, seconds, best (the epoch whose weights are best.safetensors so far).
    /// </summary>
    public DataFrame ToFrame()
    {
        KernelFormatters.EnsureRegistered();
        var rows = runs.SelectMany(r => r.Epochs.Values.Select(e => (r.Model, r.Seed, Epoch: e))).ToList();
        return new DataFrame(
            new StringDataFrameColumn("model", rows.Select(r => r.Model)),
            new Int32DataFrameColumn("seed", rows.Select(r => r.Seed)),
            new Int32DataFrameColumn("epoch", rows.Select(r => r.Epoch.Epoch)),
            new DoubleDataFrameColumn("train loss", rows.Select(r => r.Epoch.TrainLoss)),
            new DoubleDataFrameColumn("validation loss", rows.Select(r => r.Epoch.ValidationLoss)),
            new DoubleDataFrameColumn("learning rate", rows.Select(r => r.Epoch.LearningRate)),
            new DoubleDataFrameColumn("seconds", rows.Select(r => r.Epoch.Seconds)),
            new BooleanDataFrameColumn("best", rows.Select(r => r.Epoch.IsBest)));
    }

    /// <inheritdoc/>
    public string ToHtml() => ToFigure().ToHtml();

    /// <summary>The last epoch of every run as text.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Title);
        foreach (var (model, seed, epochs) in runs)
        {
            var last = epochs.Values.LastOrDefault();
            text.Append('\n').Append(model).Append(F($" seed {seed}: "));
            text.Append(last is null ? "no epochs" : F($"{epochs.Count} epochs, last train loss {last.TrainLoss:F4}, val loss {last.ValidationLoss:F4}"));
        }
        return text.ToString();
    }

    // Per epoch, the mean, lowest and highest of one value over the model's seeds that recorded that epoch.
    private List<(int Epoch, double Mean, double Low, double High)> Across(string model, Func<EpochMetrics, double> value) =>
        runs.Where(r => r.Model == model).SelectMany(r => r.Epochs.Values).GroupBy(e => e.Epoch).OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Average(value), g.Min(value), g.Max(value))).ToList();

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
