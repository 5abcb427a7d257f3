using Captioning.Models;
using Captioning.Reports;
using Captioning.Training;

namespace Captioning.Workbook;

/// <summary>Parameter counts of the four architectures at one size: the merge model's selling point in numbers.</summary>
public static class ModelSizes
{
    /// <summary>Builds each architecture of <paramref name="shape"/> for this vocabulary and feature width, counts its parameters and frees it.</summary>
    public static IReadOnlyList<(string Model, long Parameters)> Count(ModelShape shape, long vocabularySize, long featureDimension)
    {
        var counts = new List<(string, long)>();
        foreach (var name in CaptionModelOptions.ArchitectureNames)
        {
            var options = (shape with { Architecture = CaptionModelOptions.ParseArchitecture(name) }).For(vocabularySize, featureDimension);
            counts.Add((name, Count(options)));
        }
        return counts;
    }

    /// <summary>Trainable parameters of one model configuration (built, counted and freed).</summary>
    public static long Count(CaptionModelOptions options)
    {
        using var model = CaptionModelFactory.Create(options);
        return model.ParameterCount();
    }

    /// <summary>
    /// The layer-by-layer summary of one architecture of <paramref name="shape"/> for this vocabulary and feature width
    /// (a model built with fresh weights, one forward pass over captions of <paramref name="steps"/> tokens, freed),
    /// with its diagram. Both render in a notebook cell.
    /// </summary>
    public static (ModelSummary Summary, ModelDiagram Diagram) Layers(ModelShape shape, string architecture, long vocabularySize, long featureDimension, long steps)
    {
        var options = (shape with { Architecture = CaptionModelOptions.ParseArchitecture(architecture) }).For(vocabularySize, featureDimension);
        using var model = CaptionModelFactory.Create(options);
        var summary = ModelSummary.Of(model, steps);
        return (summary, ModelDiagram.Of(summary));
    }

    /// <summary>The counts as a table (parameters, and each relative to merge) and a bar chart.</summary>
    public static (MetricTable Table, Figure Bars) Show(IReadOnlyList<(string Model, long Parameters)> counts)
    {
        var merge = counts.FirstOrDefault(c => c.Model == CaptionModelOptions.NameOf(Architecture.Merge)).Parameters;
        var table = new MetricTable(["thousand parameters", "relative to merge"], "Trainable parameters", decimals: 2) { HigherIsBetter = false };
        foreach (var (model, parameters) in counts)
            table.AddRow(model, [parameters / 1000.0, merge > 0 ? parameters / (double)merge : double.NaN]);
        var bars = new Figure("Trainable parameters per architecture", "model", "parameters") { ShowLegend = false, Height = 360 };
        bars.AddBar("parameters", counts.Select(c => c.Model).ToList(), counts.Select(c => (double)c.Parameters).ToList());
        return (table, bars);
    }
}
