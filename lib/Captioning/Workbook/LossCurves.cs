using System.Globalization;
using System.Text;
using Captioning.Reports;
using Captioning.Training;
using Microsoft.Data.Analysis;

namespace Captioning.Workbook;

/// <summary>
/// Training and validation loss per epoch of several models in one figure. Fed live by a
/// <see cref="Trainer"/>'s EpochCompleted event, or read back from run folders' metrics.
/// </summary>
[TypeFormatterSource(typeof(RichFormatterSource))]
public sealed class LossCurves : IHtmlRenderable
{
    private readonly List<(string Model, SortedDictionary<int, EpochMetrics> Epochs)> models = [];

    /// <summary>Creates an empty plot with a title.</summary>
    public LossCurves(string title = "Loss per epoch: validation and training") => Title = title;

    /// <summary>The figure's title.</summary>
    public string Title { get; }

    /// <summary>Model names in the order they were first added.</summary>
    public IReadOnlyList<string> Models => models.Select(m => m.Model).ToList();

    /// <summary>The epochs recorded for <paramref name="model"/>, in epoch order.</summary>
    public IReadOnlyList<EpochMetrics> History(string model) =>
        models.FirstOrDefault(m => m.Model == model).Epochs?.Values.ToList() ?? [];

    /// <summary>Records one finished epoch (a repeated epoch number replaces the earlier record, as after a resume).</summary>
    public LossCurves Add(string model, EpochMetrics epoch)
    {
        var entry = models.FirstOrDefault(m => m.Model == model);
        if (entry.Epochs is null)
        {
            entry = (model, new SortedDictionary<int, EpochMetrics>());
            models.Add(entry);
        }
        entry.Epochs[epoch.Epoch] = epoch;
        return this;
    }

    /// <summary>Adds every epoch a run folder has recorded so far.</summary>
    public LossCurves AddRun(string model, RunFolder run)
    {
        foreach (var epoch in run.ReadMetrics()) Add(model, epoch);
        return this;
    }

    /// <summary>Subscribes to <paramref name="trainer"/> so that each finished epoch lands in the plot as it happens.</summary>
    public void Attach(Trainer trainer, string model) => trainer.EpochCompleted += epoch => Add(model, epoch);

    /// <summary>The plot: a validation line (and a training line) per model.</summary>
    public Figure ToFigure(bool includeTraining = true)
    {
        var figure = new Figure(Title, "epoch", "cross-entropy per word") { Height = 440 };
        foreach (var (model, epochs) in models)
        {
            var x = epochs.Keys.Select(e => (double)e).ToList();
            figure.AddLine(model + " (validation)", x, epochs.Values.Select(e => e.ValidationLoss).ToList());
            if (includeTraining) figure.AddLine(model + " (training)", x, epochs.Values.Select(e => e.TrainLoss).ToList());
        }
        return figure;
    }

    /// <summary>
    /// Every recorded epoch as a DataFrame, one row per model and epoch (models in the order added): model, epoch,
    /// train loss, validation loss, learning rate, seconds, best (the epoch whose weights are best.safetensors so far).
    /// </summary>
    public DataFrame ToFrame()
    {
        KernelFormatters.EnsureRegistered();
        var rows = models.SelectMany(m => m.Epochs.Values.Select(e => (m.Model, Epoch: e))).ToList();
        return new DataFrame(
            new StringDataFrameColumn("model", rows.Select(r => r.Model)),
            new Int32DataFrameColumn("epoch", rows.Select(r => r.Epoch.Epoch)),
            new DoubleDataFrameColumn("train loss", rows.Select(r => r.Epoch.TrainLoss)),
            new DoubleDataFrameColumn("validation loss", rows.Select(r => r.Epoch.ValidationLoss)),
            new DoubleDataFrameColumn("learning rate", rows.Select(r => r.Epoch.LearningRate)),
            new DoubleDataFrameColumn("seconds", rows.Select(r => r.Epoch.Seconds)),
            new BooleanDataFrameColumn("best", rows.Select(r => r.Epoch.IsBest)));
    }

    /// <inheritdoc/>
    public string ToHtml() => ToFigure().ToHtml();

    /// <summary>The last epoch of every model as text.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Title);
        foreach (var (model, epochs) in models)
        {
            var last = epochs.Values.LastOrDefault();
            text.Append('\n').Append(model).Append(": ");
            text.Append(last is null ? "no epochs" : string.Create(CultureInfo.InvariantCulture,
                $"{epochs.Count} epochs, last train loss {last.TrainLoss:F4}, val loss {last.ValidationLoss:F4}"));
        }
        return text.ToString();
    }
}
