using System.Globalization;

namespace Captioning.Reporting;

/// <summary>
/// Progress of a long stage (extraction, training epochs) as "label done/total (pct) rate unit/s ETA
/// extra fields": one line rewritten in place on a terminal, plain lines every few seconds otherwise
/// (logs, CI). The rate counts only work done in this run, so a resumed run shows its true speed.
/// </summary>
public sealed class ProgressReporter
{
    private readonly TextWriter writer;
    private readonly bool interactive;
    private readonly TimeSpan interval;
    private readonly TimeProvider time;
    private readonly long started;
    private readonly long startDone;
    private TimeSpan lastPrint = TimeSpan.MinValue;
    private int lastWidth;
    private bool completed;

    /// <summary>Creates a reporter; <paramref name="alreadyDone"/> units (resumed work) are shown but not counted in the rate.</summary>
    /// <param name="label">Stage name at the start of the line.</param>
    /// <param name="total">Units of the whole stage.</param>
    /// <param name="unit">Unit name for the rate ("images", "tokens").</param>
    /// <param name="writer">Where to write; standard error by default.</param>
    /// <param name="interactive">Rewrite one line; by default when standard error is a terminal.</param>
    /// <param name="interval">Time between plain lines (or between rewrites on a terminal).</param>
    /// <param name="alreadyDone">Units finished before this run.</param>
    /// <param name="time">The clock elapsed time is read from, counting from this call; the system clock by default (tests pass one they move by hand).</param>
    public ProgressReporter(string label, long total, string unit, TextWriter? writer = null, bool? interactive = null,
        TimeSpan? interval = null, long alreadyDone = 0, TimeProvider? time = null)
    {
        Label = label;
        Total = total;
        Unit = unit;
        this.writer = writer ?? Console.Error;
        this.interactive = interactive ?? (writer == null && !Console.IsErrorRedirected);
        this.interval = interval ?? (this.interactive ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(10));
        this.time = time ?? TimeProvider.System;
        started = this.time.GetTimestamp();
        startDone = alreadyDone;
        Done = alreadyDone;
    }

    /// <summary>The stage name.</summary>
    public string Label { get; }

    /// <summary>Units of the whole stage.</summary>
    public long Total { get; }

    /// <summary>The rate's unit.</summary>
    public string Unit { get; }

    /// <summary>Units finished so far (including resumed ones).</summary>
    public long Done { get; private set; }

    /// <summary>Units per second in this run, or 0 before any time has passed.</summary>
    public double Rate
    {
        get
        {
            var seconds = Elapsed.TotalSeconds;
            return seconds > 0 ? (Done - startDone) / seconds : 0;
        }
    }

    private TimeSpan Elapsed => time.GetElapsedTime(started);

    /// <summary>Seconds left at the current rate, or null when unknown.</summary>
    public double? EtaSeconds => Rate > 0 ? Math.Max(0, Total - Done) / Rate : null;

    /// <summary>Records progress and prints when the interval has passed; <paramref name="fields"/> are appended as "name value".</summary>
    public void Report(long done, params (string Name, string Value)[] fields)
    {
        Done = done;
        var now = Elapsed;
        if (lastPrint != TimeSpan.MinValue && now - lastPrint < interval) return;
        lastPrint = now;
        Print(Line(fields), final: false);
    }

    /// <summary>Prints the final state once (always, whatever the interval), ending the line on a terminal.</summary>
    public void Complete(params (string Name, string Value)[] fields)
    {
        if (completed) return;
        completed = true;
        Print(Line(fields), final: true);
    }

    /// <summary>The progress line for the current state.</summary>
    public string Line(params (string Name, string Value)[] fields)
    {
        var c = CultureInfo.InvariantCulture;
        var percent = Total > 0 ? 100.0 * Done / Total : 100;
        var parts = new List<string>
        {
            $"{Label} {Done.ToString(c)}/{Total.ToString(c)} ({percent.ToString("F1", c)}%)",
            $"{Rate.ToString(Rate >= 100 ? "F0" : "F2", c)} {Unit}/s",
            $"ETA {FormatDuration(EtaSeconds)}",
        };
        parts.AddRange(fields.Select(f => $"{f.Name} {f.Value}"));
        return string.Join("  ", parts);
    }

    /// <summary>"1:02:03", "4:05" or "?" for seconds left.</summary>
    public static string FormatDuration(double? seconds)
    {
        if (seconds is not { } s || double.IsNaN(s) || double.IsInfinity(s)) return "?";
        var t = TimeSpan.FromSeconds(Math.Round(s));
        return t.TotalHours >= 1
            ? $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}"
            : $"{t.Minutes}:{t.Seconds:D2}";
    }

    private void Print(string line, bool final)
    {
        if (interactive)
        {
            // Pad over the previous, possibly longer, line instead of relying on terminal escape codes.
            writer.Write("\r" + line.PadRight(lastWidth));
            lastWidth = line.Length;
            if (final) writer.WriteLine();
        }
        else
        {
            writer.WriteLine(line);
        }
        writer.Flush();
    }
}
