using Captioning.Evaluation;
using Xunit;

namespace Captioning.Tests.Evaluation;

public sealed class BootstrapTests
{
    private static string[] W(string text) => text.Length == 0 ? [] : text.Split(' ');

    // Twenty images with varied candidates so that resamples differ.
    private static (Dictionary<string, string[][]> Refs, Dictionary<string, string[]> Good, Dictionary<string, string[]> Poor) Corpus()
    {
        string[] subjects = ["dog", "cat", "man", "woman", "child"];
        string[] actions = ["runs on grass", "sits near water", "plays with ball", "jumps in street"];
        var refs = new Dictionary<string, string[][]>();
        var good = new Dictionary<string, string[]>();
        var poor = new Dictionary<string, string[]>();
        for (var i = 0; i < 20; i++)
        {
            var id = $"img{i:D2}";
            var subject = subjects[i % subjects.Length];
            var action = actions[i % actions.Length];
            refs[id] = [W($"{subject} {action}"), W($"the {subject} {action} today")];
            good[id] = i % 3 == 0 ? W($"{subject} {actions[(i + 1) % actions.Length]}") : W($"{subject} {action}");
            poor[id] = i % 2 == 0 ? W(subject) : W($"{subjects[(i + 1) % subjects.Length]} sits");
        }
        return (refs, good, poor);
    }

    [Fact]
    public void Percentiles_InterpolateLinearlyLikeNumpy()
    {
        // 0..100: position 0.025 * 100 = 2.5 -> 2.5, 0.975 * 100 = 97.5 -> 97.5.
        var interval = Bootstrap.Percentiles(Enumerable.Range(0, 101).Select(i => (double)i).Reverse().ToArray(), 0.95);
        // (1 - 0.95) / 2 is 0.025000000000000022 in binary, as 100 - 97.5 is in numpy's own arithmetic.
        Assert.Equal(2.5, interval.Lower, 1e-12);
        Assert.Equal(97.5, interval.Upper, 1e-12);
        // Four values 1, 2, 3, 10: position 0.025 * 3 = 0.075 -> 1.075; 0.975 * 3 = 2.925 -> 3 + 0.925 * 7.
        var small = Bootstrap.Percentiles([10, 1, 3, 2], 0.95);
        Assert.Equal(1.075, small.Lower, 1e-12);
        Assert.Equal(3 + 0.925 * 7, small.Upper, 1e-12);
    }

    [Fact]
    public void Score_IntervalsAreReproducibleForASeedAndBracketTheScore()
    {
        var (refs, good, _) = Corpus();
        var first = CaptionScorer.Score(refs, good, new BootstrapOptions(200, Seed: 7));
        var again = CaptionScorer.Score(refs, good, new BootstrapOptions(200, Seed: 7));
        var other = CaptionScorer.Score(refs, good, new BootstrapOptions(200, Seed: 8));
        Assert.Equal(first.Intervals, again.Intervals);
        Assert.NotEqual(first.Intervals[Metric.CocoBleu4], other.Intervals[Metric.CocoBleu4]);
        foreach (var metric in MetricNames.All)
        {
            var interval = first.Intervals[metric];
            Assert.True(interval.Lower <= first.Values[metric] && first.Values[metric] <= interval.Upper, $"{metric}: {interval} vs {first.Values[metric]}");
            Assert.True(interval.Lower < interval.Upper, $"{metric}: an interval of varied images has width");
        }
    }

    [Fact]
    public void Score_IdenticalImagesGiveADegenerateInterval()
    {
        // Every image is the same exact match: every resample has the same statistics.
        var refs = Enumerable.Range(0, 5).ToDictionary(i => $"i{i}", _ => new[] { W("dog runs on grass") });
        var cands = Enumerable.Range(0, 5).ToDictionary(i => $"i{i}", _ => W("dog runs on grass"));
        var report = CaptionScorer.Score(refs, cands, new BootstrapOptions(50));
        Assert.Equal(1.0, report.Values[Metric.NltkBleu4]);
        Assert.Equal(new Interval(1.0, 1.0), report.Intervals[Metric.NltkBleu4]);
        Assert.Equal(report.Values[Metric.CocoBleu4], report.Intervals[Metric.CocoBleu4].Lower, 1e-15);
    }

    [Fact]
    public void Score_WithoutResamplesHasNoIntervals()
    {
        var (refs, good, _) = Corpus();
        var report = CaptionScorer.Score(refs, good, BootstrapOptions.None);
        Assert.Empty(report.Intervals);
        Assert.Equal(20, report.Images);
    }

    [Fact]
    public void Compare_OfASetWithItselfIsExactlyZero()
    {
        var (refs, good, _) = Corpus();
        var comparison = CaptionScorer.Compare(refs, good, good, new BootstrapOptions(100));
        foreach (var metric in MetricNames.All)
        {
            var c = comparison.Metrics[metric];
            Assert.Equal(0.0, c.Difference);
            Assert.Equal(new Interval(0, 0), c.Interval);
            Assert.Equal(0.0, c.FractionAGreater);
        }
    }

    [Fact]
    public void Compare_BetterSetWinsEveryResample()
    {
        var (refs, good, poor) = Corpus();
        var comparison = CaptionScorer.Compare(refs, good, poor, new BootstrapOptions(200, Seed: 3));
        foreach (var metric in new[] { Metric.CocoBleu1, Metric.NltkBleu1, Metric.RougeL, Metric.Cider })
        {
            var c = comparison.Metrics[metric];
            Assert.Equal(c.A - c.B, c.Difference, 1e-15);
            Assert.True(c.Interval.Lower > 0, $"{metric}: {c.Interval}");
            Assert.Equal(1.0, c.FractionAGreater);
        }
        // The pairing: each side's own report equals a plain score with the same resamples.
        Assert.Equal(CaptionScorer.Score(refs, poor, new BootstrapOptions(200, Seed: 3)).Intervals, comparison.B.Intervals);
    }

    [Fact]
    public void Compare_ThrowsWhenTheSetsCoverDifferentImages()
    {
        var (refs, good, poor) = Corpus();
        poor.Remove("img03");
        var error = Assert.Throws<CaptioningException>(() => CaptionScorer.Compare(refs, good, poor));
        Assert.Contains("img03", error.Message);
    }
}
