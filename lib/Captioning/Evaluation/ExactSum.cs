namespace Captioning.Evaluation;

/// <summary>
/// A correctly rounded floating-point sum, as Python's math.fsum computes it (Shewchuk's partials
/// plus fsum's half-way correction), so NLTK's weighted log sums are reproduced bit for bit.
/// </summary>
internal static class ExactSum
{
    internal static double Of(IReadOnlyList<double> values)
    {
        var partials = new List<double>();
        foreach (var value in values)
        {
            var x = value;
            var kept = 0;
            for (var j = 0; j < partials.Count; j++)
            {
                var y = partials[j];
                if (Math.Abs(x) < Math.Abs(y)) (x, y) = (y, x);
                var hi = x + y;
                var lo = y - (hi - x);
                if (lo != 0) partials[kept++] = lo;
                x = hi;
            }
            partials.RemoveRange(kept, partials.Count - kept);
            partials.Add(x);
        }
        return Round(partials);
    }

    private static double Round(List<double> partials)
    {
        var n = partials.Count;
        if (n == 0) return 0.0;
        var total = partials[--n];
        var low = 0.0;
        while (n > 0)
        {
            var x = total;
            var y = partials[--n];
            total = x + y;
            var yr = total - x;
            low = y - yr;
            if (low != 0) break;
        }
        // Round half-even correctly when the remaining partials push the tail past a half-way point.
        if (n > 0 && ((low < 0 && partials[n - 1] < 0) || (low > 0 && partials[n - 1] > 0)))
        {
            var y = low * 2;
            var x = total + y;
            var yr = x - total;
            if (y == yr) total = x;
        }
        return total;
    }
}
