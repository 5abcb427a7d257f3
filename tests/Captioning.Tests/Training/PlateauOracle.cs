using System.Globalization;

namespace Captioning.Tests.Training;

/// <summary>Runs plateau_oracle.py: torch 1.13's ReduceLROnPlateau (Debian's python3-torch) fed a run's validation losses.</summary>
internal static class PlateauOracle
{
    /// <summary>The learning rate of epochs 1..n+1 when epochs 1..n end with <paramref name="metrics"/>.</summary>
    public static IReadOnlyList<double> LearningRates(double learningRate, double factor, int patience, IEnumerable<double> metrics)
    {
        var arguments = new[] { learningRate, factor, patience }.Concat(metrics).Select(v => v.ToString("R", CultureInfo.InvariantCulture));
        var output = PythonOracle.Run([PythonOracle.Script("Training", "plateau_oracle.py"), .. arguments]);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToList();
    }
}
