namespace Captioning.Evaluation;

/// <summary>A two-sided bootstrap interval (percentile method).</summary>
/// <param name="Lower">The lower percentile, e.g. the 2.5th for a 95% interval.</param>
/// <param name="Upper">The upper percentile, e.g. the 97.5th.</param>
public readonly record struct Interval(double Lower, double Upper);

/// <summary>How bootstrap intervals are drawn: resamples of the images with replacement from a seeded generator.</summary>
/// <param name="Resamples">Number of resamples; 0 computes no intervals.</param>
/// <param name="Seed">Seed of the resampling generator, so intervals are reproducible.</param>
/// <param name="Confidence">Coverage of the interval, 0.95 for the 2.5th to 97.5th percentiles.</param>
public sealed record BootstrapOptions(int Resamples = 1000, int Seed = 1234, double Confidence = 0.95)
{
    /// <summary>1000 resamples, seed 1234, 95% intervals.</summary>
    public static BootstrapOptions Default { get; } = new();

    /// <summary>No resampling: reports carry no intervals.</summary>
    public static BootstrapOptions None { get; } = new(Resamples: 0);
}

/// <summary>One image's own scores, for galleries: sentence-level coco BLEU-4, its CIDEr-D (document frequencies from the whole set) and ROUGE-L.</summary>
/// <param name="ImageId">The image id (file name without extension).</param>
/// <param name="Bleu4">coco-caption BLEU-4 of this image alone.</param>
/// <param name="Cider">This image's CIDEr-D term, whose mean over images is the corpus CIDEr-D.</param>
/// <param name="RougeL">This image's ROUGE-L.</param>
public sealed record ImageScore(string ImageId, double Bleu4, double Cider, double RougeL);

/// <summary>The scores of one prediction set: every <see cref="Metric"/> on the 0-1 scale (CIDEr-D on its own), per-image scores and optional intervals.</summary>
/// <param name="Values">Corpus value of every metric.</param>
/// <param name="Images">Number of images scored.</param>
/// <param name="PerImage">Per-image scores, ordered by image id.</param>
/// <param name="Intervals">Bootstrap intervals per metric, empty when no resampling was asked for.</param>
/// <param name="Bootstrap">The resampling that produced <paramref name="Intervals"/>.</param>
public sealed record ScoreReport(
    IReadOnlyDictionary<Metric, double> Values,
    int Images,
    IReadOnlyList<ImageScore> PerImage,
    IReadOnlyDictionary<Metric, Interval> Intervals,
    BootstrapOptions Bootstrap);

/// <summary>The paired bootstrap comparison of two prediction sets on one metric.</summary>
/// <param name="A">Value of the first set.</param>
/// <param name="B">Value of the second set.</param>
/// <param name="Difference">A minus B on all images.</param>
/// <param name="Interval">Percentile interval of A minus B over the paired resamples.</param>
/// <param name="FractionAGreater">Share of resamples in which A scored strictly higher than B.</param>
public sealed record MetricComparison(double A, double B, double Difference, Interval Interval, double FractionAGreater);

/// <summary>Two prediction sets scored on the same images and compared metric by metric with a paired bootstrap.</summary>
/// <param name="A">Report of the first set (with its own intervals).</param>
/// <param name="B">Report of the second set.</param>
/// <param name="Metrics">The comparison per metric.</param>
public sealed record ComparisonReport(ScoreReport A, ScoreReport B, IReadOnlyDictionary<Metric, MetricComparison> Metrics);
