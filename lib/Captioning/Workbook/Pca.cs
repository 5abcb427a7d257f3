namespace Captioning.Workbook;

/// <summary>The result of <see cref="Pca.Project"/>: coordinates per row and the share of variance each component explains.</summary>
/// <param name="Coordinates">One array of <c>components</c> values per input row.</param>
/// <param name="ExplainedVariance">Each component's variance divided by the total variance.</param>
/// <param name="Components">The unit principal directions, largest variance first.</param>
public sealed record PcaProjection(double[][] Coordinates, double[] ExplainedVariance, double[][] Components);

/// <summary>Principal component analysis of a small matrix in managed code: enough for a 2-D picture of a few thousand feature vectors.</summary>
public static class Pca
{
    /// <summary>
    /// Projects the mean-centred <paramref name="rows"/> onto their <paramref name="components"/> directions of largest variance,
    /// found by power iteration with deflation on the covariance matrix. Each direction's sign is chosen so that its
    /// largest-magnitude entry is positive, which makes the result deterministic.
    /// </summary>
    public static PcaProjection Project(IReadOnlyList<float[]> rows, int components = 2)
    {
        if (rows.Count < 2) throw new CaptioningException($"PCA needs at least 2 feature rows, got {rows.Count}");
        var d = rows[0].Length;
        if (rows.Any(r => r.Length != d)) throw new CaptioningException("PCA: every feature row must have the same length");
        if (components < 1 || components > d) throw new CaptioningException($"PCA: components must be 1-{d}, got {components}");

        var mean = new double[d];
        foreach (var row in rows)
            for (var j = 0; j < d; j++) mean[j] += row[j];
        for (var j = 0; j < d; j++) mean[j] /= rows.Count;
        var covariance = new double[d, d];
        var centred = new double[d];
        foreach (var row in rows)
        {
            for (var j = 0; j < d; j++) centred[j] = row[j] - mean[j];
            for (var a = 0; a < d; a++)
            {
                if (centred[a] == 0) continue;
                for (var b = a; b < d; b++) covariance[a, b] += centred[a] * centred[b];
            }
        }
        var total = 0.0;
        for (var a = 0; a < d; a++)
        {
            for (var b = a; b < d; b++) covariance[b, a] = covariance[a, b] /= rows.Count - 1;
            total += covariance[a, a];
        }

        var directions = new double[components][];
        var explained = new double[components];
        for (var k = 0; k < components; k++)
        {
            var (vector, value) = Dominant(covariance, d);
            directions[k] = vector;
            explained[k] = total > 0 ? value / total : 0;
            for (var a = 0; a < d; a++)
                for (var b = 0; b < d; b++) covariance[a, b] -= value * vector[a] * vector[b]; // deflate
        }
        var coordinates = rows.Select(row => directions.Select(v =>
        {
            var dot = 0.0;
            for (var j = 0; j < d; j++) dot += (row[j] - mean[j]) * v[j];
            return dot;
        }).ToArray()).ToArray();
        return new PcaProjection(coordinates, explained, directions);
    }

    // Power iteration from a fixed start; the Rayleigh quotient is the eigenvalue.
    private static (double[] Vector, double Value) Dominant(double[,] matrix, int d)
    {
        var v = Enumerable.Range(0, d).Select(i => 1.0 + i * 1e-3).ToArray();
        Normalise(v);
        var next = new double[d];
        for (var iteration = 0; iteration < 5000; iteration++)
        {
            for (var a = 0; a < d; a++)
            {
                var sum = 0.0;
                for (var b = 0; b < d; b++) sum += matrix[a, b] * v[b];
                next[a] = sum;
            }
            if (Normalise(next) == 0) return (v, 0); // nothing left: the remaining variance is zero
            var change = 0.0;
            for (var a = 0; a < d; a++) change = Math.Max(change, Math.Abs(next[a] - v[a]));
            (v, next) = (next, v);
            if (change < 1e-12) break;
        }
        var largest = v.MaxBy(Math.Abs);
        if (largest < 0) for (var a = 0; a < d; a++) v[a] = -v[a];
        var value = 0.0;
        for (var a = 0; a < d; a++)
            for (var b = 0; b < d; b++) value += v[a] * matrix[a, b] * v[b];
        return (v, value);
    }

    private static double Normalise(double[] v)
    {
        var norm = Math.Sqrt(v.Sum(x => x * x));
        if (norm == 0) return 0;
        for (var i = 0; i < v.Length; i++) v[i] /= norm;
        return norm;
    }
}
