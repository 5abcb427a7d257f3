namespace Captioning.Evaluation;

/// <summary>Bootstrap resampling over images and the percentile intervals drawn from it.</summary>
internal static class Bootstrap
{
    /// <summary>
    /// <see cref="BootstrapOptions.Resamples"/> index arrays, each <paramref name="count"/> draws with replacement.
    /// System.Random with a seed is the same sequence on every .NET version, so intervals reproduce.
    /// </summary>
    internal static IEnumerable<int[]> Samples(int count, BootstrapOptions options)
    {
        var random = new Random(options.Seed);
        for (var r = 0; r < options.Resamples; r++)
        {
            var sample = new int[count];
            for (var i = 0; i < count; i++) sample[i] = random.Next(count);
            yield return sample;
        }
    }

    /// <summary>The central <paramref name="confidence"/> interval of <paramref name="values"/> by the percentile method.</summary>
    internal static Interval Percentiles(double[] values, double confidence)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        var tail = (1 - confidence) / 2;
        return new Interval(Quantile(sorted, tail), Quantile(sorted, 1 - tail));
    }

    /// <summary>numpy's default ("linear") quantile of sorted values: interpolate at position q (n - 1).</summary>
    internal static double Quantile(double[] sorted, double q)
    {
        if (sorted.Length == 0) throw new ArgumentException("no values", nameof(sorted));
        var position = q * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        var fraction = position - below;
        return sorted[below] + (sorted[above] - sorted[below]) * fraction;
    }
}
