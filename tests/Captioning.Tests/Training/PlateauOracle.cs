using System.Diagnostics;
using System.Globalization;

namespace Captioning.Tests.Training;

/// <summary>Runs plateau_oracle.py: torch 1.13's ReduceLROnPlateau (Debian's python3-torch) fed a run's validation losses.</summary>
internal static class PlateauOracle
{
    /// <summary>The learning rate of epochs 1..n+1 when epochs 1..n end with <paramref name="metrics"/>.</summary>
    public static IReadOnlyList<double> LearningRates(double learningRate, double factor, int patience, IEnumerable<double> metrics)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Training", "plateau_oracle.py"));
        foreach (var value in new[] { learningRate, factor, patience }.Concat(metrics)) start.ArgumentList.Add(value.ToString("R", CultureInfo.InvariantCulture));
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"python3-torch oracle failed (install with `environment/setup --test-deps`), exit {process.ExitCode}:\n{stderr.Result}");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToList();
    }
}
