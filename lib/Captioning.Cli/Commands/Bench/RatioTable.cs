using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Captioning.Cli.Commands;

/// <summary>One line the PyTorch reference script printed: a workload, the formulation it timed, and its rate.</summary>
/// <param name="Workload">The C# workload it is compared with (train, decode, extract, memory).</param>
/// <param name="Variant">The PyTorch formulation, e.g. "teacher-forced", "unrolled", "batched-beam", "naive-beam".</param>
/// <param name="Rate">Items per second, or megabytes for memory.</param>
/// <param name="Unit">The rate's unit; it must equal the C# workload's unit.</param>
internal sealed record ReferenceMeasurement(string Workload, string Variant, double Rate, string Unit)
{
    /// <summary>
    /// Parses {"workload", "variant", "implementation": "pytorch", "rate", "unit", "threads"}; a line that is not
    /// such an object names <paramref name="source"/> and the line number.
    /// </summary>
    internal static ReferenceMeasurement Parse(string line, string source, int lineNumber)
    {
        string Fail(string why) => throw new CaptioningException(
            $"{source}, output line {lineNumber}: {why}; expected one JSON object with \"workload\", \"variant\", \"rate\" and \"unit\", got: {line}");
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) Fail("not a JSON object");
            string Text(string key) =>
                root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0 ? v.GetString()! : Fail($"no text \"{key}\"");
            var rate = root.TryGetProperty("rate", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetDouble() : double.NaN;
            if (!double.IsFinite(rate) || rate <= 0) Fail("\"rate\" is not a positive number");
            return new ReferenceMeasurement(Text("workload"), Text("variant"), rate, Text("unit"));
        }
        catch (JsonException e)
        {
            Fail($"not JSON ({e.Message})");
            throw;
        }
    }
}

/// <summary>One row of the comparison: our rate against one PyTorch formulation of the same workload.</summary>
/// <param name="Workload">Workload name.</param>
/// <param name="Variant">The PyTorch formulation.</param>
/// <param name="Ours">Our rate.</param>
/// <param name="PyTorch">PyTorch's rate.</param>
/// <param name="Unit">Shared unit of both rates.</param>
internal sealed record RatioRow(string Workload, string Variant, double Ours, double PyTorch, string Unit)
{
    /// <summary>Ours divided by PyTorch's.</summary>
    internal double Ratio => Ours / PyTorch;

    /// <summary>Memory is a cost (lower is better); every other workload is a rate (higher is better).</summary>
    internal bool LowerIsBetter => Workload == "memory";
}

/// <summary>Pairs our measurements with the reference's and prints them as a Markdown table of ratios.</summary>
internal static class RatioTable
{
    /// <summary>
    /// One row per PyTorch measurement, in the order they came, paired with our result of the same workload.
    /// A PyTorch line whose workload we did not run, or whose unit differs from ours, is an error, not a skipped row.
    /// </summary>
    internal static IReadOnlyList<RatioRow> Build(IReadOnlyList<(string Workload, BenchResult Result)> ours, IReadOnlyList<ReferenceMeasurement> reference)
    {
        var rows = new List<RatioRow>();
        foreach (var m in reference)
        {
            var match = ours.Where(o => o.Workload == m.Workload).Select(o => o.Result).FirstOrDefault()
                ?? throw new CaptioningException($"the PyTorch reference measured workload '{m.Workload}' ({m.Variant}), which this run did not; " +
                    $"expected one of: {string.Join(", ", ours.Select(o => o.Workload))}");
            if (match.Unit != m.Unit)
                throw new CaptioningException($"the PyTorch reference reports {m.Workload} ({m.Variant}) in '{m.Unit}' but ours is in '{match.Unit}'; the units must be equal");
            rows.Add(new RatioRow(m.Workload, m.Variant, match.Rate, m.Rate, m.Unit));
        }
        foreach (var (workload, _) in ours)
        {
            if (rows.All(r => r.Workload != workload))
                throw new CaptioningException($"the PyTorch reference printed no measurement for workload '{workload}'");
        }
        return rows;
    }

    /// <summary>The Markdown table: workload, PyTorch formulation, both rates with units, the ratio and which way is better.</summary>
    internal static string Format(IReadOnlyList<RatioRow> rows, int threads)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"ratios, ours / PyTorch eager ({threads} thread{(threads == 1 ? "" : "s")}):\n\n");
        text.Append("| workload | PyTorch formulation | ours | PyTorch | ours / PyTorch |\n");
        text.Append("|---|---|---:|---:|---:|\n");
        foreach (var r in rows)
        {
            var better = r.LowerIsBetter ? "lower is better" : "higher is better";
            text.Append(CultureInfo.InvariantCulture,
                $"| {r.Workload} | {r.Variant} | {Figure(r.Ours)} {r.Unit} | {Figure(r.PyTorch)} {r.Unit} | {Figure(r.Ratio)} ({better}) |\n");
        }
        return text.ToString();
    }

    /// <summary>Three significant figures below 100 (0.819, 25.4, 3.07), whole numbers above; invariant culture, no separators.</summary>
    internal static string Figure(double value) =>
        value.ToString(value >= 100 ? "F0" : value >= 10 ? "F1" : value >= 1 ? "F2" : "G3", CultureInfo.InvariantCulture);
}
