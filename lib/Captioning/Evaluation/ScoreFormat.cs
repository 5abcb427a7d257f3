using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Captioning.Evaluation;

/// <summary>Renders score reports as the JSON object of <c>caption score --json</c> (0-1 scale) or as an aligned table on the papers' 0-100 scale.</summary>
public static class ScoreFormat
{
    /// <summary>The report as one JSON object: <c>coco</c>, <c>nltk</c>, <c>images</c>, and <c>intervals</c>/<c>bootstrap</c> when resampled; <paramref name="comparison"/> adds a <c>comparison</c> object.</summary>
    public static string Json(ScoreReport report, ComparisonReport? comparison = null, string? comparedWith = null)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            writer.WriteStartObject();
            WriteScores(writer, report);
            if (comparison is not null)
            {
                writer.WriteStartObject("comparison");
                if (comparedWith is not null) writer.WriteString("other", comparedWith);
                writer.WriteStartObject("other_scores");
                WriteScores(writer, comparison.B);
                writer.WriteEndObject();
                foreach (var group in MetricNames.All.GroupBy(MetricNames.Group))
                {
                    writer.WriteStartObject(group.Key);
                    foreach (var metric in group)
                    {
                        var c = comparison.Metrics[metric];
                        writer.WriteStartObject(MetricNames.Key(metric));
                        writer.WriteNumber("difference", c.Difference);
                        writer.WriteNumber("lower", c.Interval.Lower);
                        writer.WriteNumber("upper", c.Interval.Upper);
                        writer.WriteNumber("fraction_a_greater", c.FractionAGreater);
                        writer.WriteEndObject();
                    }
                    writer.WriteEndObject();
                }
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the members <c>coco</c>, <c>nltk</c>, <c>images</c> (and <c>intervals</c>, <c>bootstrap</c>) into the open object.</summary>
    public static void WriteScores(Utf8JsonWriter writer, ScoreReport report)
    {
        foreach (var group in MetricNames.All.GroupBy(MetricNames.Group))
        {
            writer.WriteStartObject(group.Key);
            foreach (var metric in group) writer.WriteNumber(MetricNames.Key(metric), report.Values[metric]);
            writer.WriteEndObject();
        }
        writer.WriteNumber("images", report.Images);
        if (report.Intervals.Count == 0) return;
        writer.WriteStartObject("intervals");
        foreach (var group in MetricNames.All.GroupBy(MetricNames.Group))
        {
            writer.WriteStartObject(group.Key);
            foreach (var metric in group)
            {
                writer.WriteStartObject(MetricNames.Key(metric));
                writer.WriteNumber("lower", report.Intervals[metric].Lower);
                writer.WriteNumber("upper", report.Intervals[metric].Upper);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteStartObject("bootstrap");
        writer.WriteNumber("resamples", report.Bootstrap.Resamples);
        writer.WriteNumber("seed", report.Bootstrap.Seed);
        writer.WriteNumber("confidence", report.Bootstrap.Confidence);
        writer.WriteEndObject();
    }

    /// <summary>An aligned table, every value times 100 (CIDEr-D included, as papers print it), with intervals and the comparison when present.</summary>
    public static string Table(ScoreReport report, ComparisonReport? comparison = null)
    {
        var confidence = (report.Bootstrap.Confidence * 100).ToString("0.##", CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"images scored: {report.Images}   (all values x100; BLEU/ROUGE-L on 0-100, CIDEr-D x100 as papers print it)");
        var header = $"{"metric",-14} {"score",8}";
        if (report.Intervals.Count > 0) header += $"   {confidence + "% interval",-18}";
        if (comparison is not null) header += $" {"other",8} {"A-B",8}   {confidence + "% interval of A-B",-22} {"P(A>B)",6}";
        text.AppendLine(header.TrimEnd());
        foreach (var metric in MetricNames.All)
        {
            var row = $"{MetricNames.Group(metric) + " " + MetricNames.Key(metric),-14} {F(report.Values[metric]),8}";
            if (report.Intervals.TryGetValue(metric, out var interval)) row += $"   {"[" + F(interval.Lower) + ", " + F(interval.Upper) + "]",-18}";
            if (comparison is not null)
            {
                var c = comparison.Metrics[metric];
                row += $" {F(c.B),8} {F(c.Difference),8}   {"[" + F(c.Interval.Lower) + ", " + F(c.Interval.Upper) + "]",-22} {c.FractionAGreater.ToString("0.000", CultureInfo.InvariantCulture),6}";
            }
            text.AppendLine(row.TrimEnd());
        }
        return text.ToString();
    }

    // Rounding first keeps tiny negative differences from printing as "-0.00".
    private static string F(double value) => (Math.Round(value * 100, 2) + 0.0).ToString("0.00", CultureInfo.InvariantCulture);
}
