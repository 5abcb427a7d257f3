namespace Captioning;

/// <summary>
/// A test hook: holds the process at a durable point (an epoch's metrics and checkpoint written, an
/// extraction batch's rows and journal lines flushed) so that a test can kill or interrupt it exactly
/// there, however fast the work runs. Unset, as in every real run, it costs a null check (the point's
/// name is only built when the variable is set).
/// </summary>
/// <remarks>
/// Set <see cref="Variable"/> to a file path whose text names one point (see <see cref="EpochSaved"/>,
/// <see cref="ExtractionSaved"/>). When the process reaches that point while the file exists, it writes
/// "held at POINT" to the file's path plus <see cref="MarkerSuffix"/> and waits until the file is deleted.
/// docs/ARCHITECTURE.md, "Testing hooks".
/// </remarks>
public static class TestHold
{
    /// <summary>The environment variable naming the hold file.</summary>
    public const string Variable = "CAPTIONING_TEST_HOLD";

    /// <summary>Appended to the hold file's path to name the marker written while held.</summary>
    public const string MarkerSuffix = ".held";

    private static readonly string? HoldFile = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path ? path : null;

    /// <summary>The point after epoch <paramref name="epoch"/> of the run in <paramref name="runPath"/> was saved (checkpoints, then metrics).</summary>
    public static string EpochSaved(string runPath, int epoch) => $"train {Path.GetFullPath(runPath)}: epoch {epoch} saved";

    /// <summary>The point between epoch <paramref name="epoch"/>'s checkpoints (written) and its metrics lines (not yet written).</summary>
    public static string CheckpointSaved(string runPath, int epoch) => $"train {Path.GetFullPath(runPath)}: epoch {epoch} checkpoint saved";

    /// <summary>The point after an extraction into <paramref name="outPath"/> saved a batch, with <paramref name="done"/> images in its journal.</summary>
    public static string ExtractionSaved(string outPath, int done, int total) => $"extract {Path.GetFullPath(outPath)}: {done} of {total} images saved";

    /// <summary>Waits here while the hold file exists and names <paramref name="point"/>; returns at once otherwise.</summary>
    public static void At(Func<string> point)
    {
        if (HoldFile == null) return;
        string wanted;
        try
        {
            wanted = File.ReadAllText(HoldFile).Trim();
        }
        catch (FileNotFoundException)
        {
            return;
        }
        var name = point();
        if (name != wanted) return;
        var marker = HoldFile + MarkerSuffix;
        File.WriteAllText(marker + ".tmp", $"held at {name}\n");
        File.Move(marker + ".tmp", marker, overwrite: true); // the test never reads half a marker
        // Polls the file: the test, not a timer, decides when the process goes on.
        while (File.Exists(HoldFile)) Thread.Sleep(10);
    }
}
