using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Captioning.Data;

namespace Captioning.Features;

/// <summary>
/// Builds a feature store resumably: rows are appended to "OUT.partial" and, only after they are
/// on disk, their ids to the journal "OUT.journal". <see cref="Finish"/> writes the store to a
/// temporary file, checksums it and renames it to OUT, so a file named OUT is always complete.
/// </summary>
public sealed class FeatureStoreWriter : IDisposable
{
    private const string JournalMagic = "CAPJOURNAL1";
    private readonly FileStream rows;
    private readonly FileStream journal;
    private readonly List<string> ids = new();
    private readonly HashSet<string> done = new(StringComparer.Ordinal);
    private readonly List<SkippedFeature> skipped = new();
    private bool finished;

    private FeatureStoreWriter(string outPath, FeatureStoreIdentity identity, FileStream rows, FileStream journal)
    {
        OutPath = outPath;
        Identity = identity;
        this.rows = rows;
        this.journal = journal;
    }

    /// <summary>The file <see cref="Finish"/> creates.</summary>
    public string OutPath { get; }

    /// <summary>What the rows are.</summary>
    public FeatureStoreIdentity Identity { get; }

    /// <summary>Rows found on disk from an interrupted run when the writer was opened.</summary>
    public int ResumedRows { get; private set; }

    /// <summary>Skipped images found on disk from an interrupted run.</summary>
    public int ResumedSkips { get; private set; }

    /// <summary>Why an earlier unfinished extraction was thrown away instead of resumed, or null.</summary>
    public string? DiscardedReason { get; private set; }

    /// <summary>Ids with a row, in row order.</summary>
    public IReadOnlyList<string> Ids => ids;

    /// <summary>Images skipped because they could not be read.</summary>
    public IReadOnlyList<SkippedFeature> Skipped => skipped;

    /// <summary>True when <paramref name="id"/> already has a row or was skipped.</summary>
    public bool IsDone(string id) => done.Contains(id);

    /// <summary>The rows file of an unfinished extraction into <paramref name="outPath"/>.</summary>
    public static string PartialPath(string outPath) => outPath + ".partial";

    /// <summary>The journal of completed ids of an unfinished extraction into <paramref name="outPath"/>.</summary>
    public static string JournalPath(string outPath) => outPath + ".journal";

    /// <summary>Locks the store at <paramref name="outPath"/> (and the small-CNN weights beside it) for this process's writes; see <see cref="WriterLock"/>.</summary>
    public static WriterLock LockForWriting(string outPath) => WriterLock.Acquire(outPath, "feature store");

    /// <summary>
    /// Starts an extraction into <paramref name="outPath"/>, resuming a valid unfinished one with the
    /// same identity (rows beyond the journal are cut off); one for another setup is discarded.
    /// </summary>
    public static FeatureStoreWriter OpenOrResume(string outPath, FeatureStoreIdentity identity)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(outPath))!;
        Directory.CreateDirectory(directory);
        var partialPath = PartialPath(outPath);
        var journalPath = JournalPath(outPath);
        var (entries, discarded) = ReadJournal(journalPath, partialPath, identity);
        var rowsStream = new FileStream(partialPath, entries == null ? FileMode.Create : FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var kept = new List<string>();
        if (entries != null)
        {
            // The journal is written after the rows it names, so rows past it belong to no id.
            var rowsOnDisk = rowsStream.Length / identity.RowBytes;
            var rowCount = 0;
            foreach (var line in entries)
            {
                if (line.StartsWith('+') && rowCount >= rowsOnDisk) break;
                if (line.StartsWith('+')) rowCount++;
                kept.Add(line);
            }
            rowsStream.SetLength(rowCount * identity.RowBytes);
        }
        rowsStream.Seek(0, SeekOrigin.End);
        var header = JournalMagic + " " + JsonSerializer.Serialize(IdentityJson.From(identity)) + "\n";
        var text = header + string.Concat(kept.Select(l => l + "\n"));
        var temp = journalPath + ".tmp";
        File.WriteAllText(temp, text, new UTF8Encoding(false));
        File.Move(temp, journalPath, overwrite: true);
        var journalStream = new FileStream(journalPath, FileMode.Append, FileAccess.Write, FileShare.Read);
        var writer = new FeatureStoreWriter(outPath, identity, rowsStream, journalStream) { DiscardedReason = discarded };
        foreach (var line in kept)
        {
            var parts = line.Split('\t');
            if (parts[0] == "+")
            {
                writer.ids.Add(parts[1]);
                writer.ResumedRows++;
            }
            else
            {
                writer.skipped.Add(new SkippedFeature(parts[1], parts.Length > 2 ? parts[2] : ""));
                writer.ResumedSkips++;
            }
            writer.done.Add(parts[1]);
        }
        return writer;
    }

    // Returns the journal's entry lines when it can be resumed, else null and why it cannot.
    private static (List<string>? Entries, string? Discarded) ReadJournal(string journalPath, string partialPath, FeatureStoreIdentity identity)
    {
        if (!File.Exists(journalPath) || !File.Exists(partialPath)) return (null, null);
        var text = File.ReadAllText(journalPath, Encoding.UTF8);
        // A line without its newline was cut by a kill while being written.
        var complete = text.LastIndexOf('\n') is var end and >= 0 ? text[..(end + 1)] : "";
        var lines = complete.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || !lines[0].StartsWith(JournalMagic + " ", StringComparison.Ordinal))
            return (null, $"'{journalPath}' is not an extraction journal");
        FeatureStoreIdentity? previous;
        try
        {
            previous = JsonSerializer.Deserialize<IdentityJson>(lines[0][(JournalMagic.Length + 1)..])?.ToIdentity();
        }
        catch (Exception e) when (e is JsonException or CaptioningException)
        {
            return (null, $"'{journalPath}' has an unreadable header ({e.Message})");
        }
        if (previous == null) return (null, $"'{journalPath}' has an empty header");
        if (previous.Difference(identity) is { } difference)
            return (null, $"the unfinished extraction was for another setup ({difference}: the old run's vs this one)");
        var entries = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            var parts = line.Split('\t');
            if (parts.Length < 2 || (parts[0] != "+" && parts[0] != "-") || !seen.Add(parts[1]))
                return (null, $"'{journalPath}' has a malformed or repeated entry '{line}'");
            entries.Add(line);
        }
        return (entries, null);
    }

    /// <summary>Appends rows for <paramref name="batchIds"/> (row-major, the store's dtype) and records them; both are flushed to disk.</summary>
    public void Append(IReadOnlyList<string> batchIds, ReadOnlySpan<byte> rowBytes)
    {
        ObjectDisposedException.ThrowIf(finished, this);
        if (rowBytes.Length != batchIds.Count * Identity.RowBytes)
            throw new ArgumentException($"{batchIds.Count} rows of {Identity.RowBytes} bytes expected, got {rowBytes.Length} bytes", nameof(rowBytes));
        foreach (var id in batchIds) CheckId(id);
        rows.Write(rowBytes);
        rows.Flush(flushToDisk: true);
        var lines = new StringBuilder();
        foreach (var id in batchIds) lines.Append("+\t").Append(id).Append('\n');
        journal.Write(Encoding.UTF8.GetBytes(lines.ToString()));
        journal.Flush(flushToDisk: true);
        ids.AddRange(batchIds);
        foreach (var id in batchIds) done.Add(id);
    }

    /// <summary>Records that <paramref name="id"/> could not be read, so a rerun does not retry it and the store's header lists it.</summary>
    public void Skip(string id, string reason)
    {
        CheckId(id);
        var oneLine = reason.Replace('\n', ' ').Replace('\r', ' ').Replace('\t', ' ');
        journal.Write(Encoding.UTF8.GetBytes($"-\t{id}\t{oneLine}\n"));
        journal.Flush(flushToDisk: true);
        skipped.Add(new SkippedFeature(id, oneLine));
        done.Add(id);
    }

    private void CheckId(string id)
    {
        if (id.Length == 0 || id.AsSpan().IndexOfAny('\t', '\n', '\r') >= 0)
            throw new CaptioningException($"image id '{id}' cannot be stored: ids must be non-empty and contain no tab or line break");
        if (done.Contains(id)) throw new InvalidOperationException($"image '{id}' was written twice");
    }

    /// <summary>
    /// Writes the finished store to OUT (temporary file, checksum, rename) and deletes the partial
    /// file and journal. Returns the header written.
    /// </summary>
    public FeatureStoreHeader Finish()
    {
        ObjectDisposedException.ThrowIf(finished, this);
        var header = new FeatureStoreHeader(Identity, ids.ToList(), skipped.ToList());
        var json = header.JsonBytes();
        var dataOffset = FeatureStoreHeader.DataOffset(json.Length);
        var temp = OutPath + ".tmp";
        using (var output = new FileStream(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None))
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            var prelude = new byte[FeatureStoreHeader.PreludeBytes];
            output.Write(prelude);
            output.Write(json);
            output.Write(new byte[dataOffset - FeatureStoreHeader.PreludeBytes - json.Length]);
            hash.AppendData(json);
            rows.Flush(flushToDisk: true);
            rows.Seek(0, SeekOrigin.Begin);
            var buffer = new byte[1 << 20];
            var remaining = header.DataBytes;
            while (remaining > 0)
            {
                var read = rows.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
                if (read == 0) throw new IOException($"'{PartialPath(OutPath)}' ended {remaining} bytes early");
                output.Write(buffer, 0, read);
                hash.AppendData(buffer, 0, read);
                remaining -= read;
            }
            header.WritePrelude(prelude, json.Length, hash.GetHashAndReset());
            output.Seek(0, SeekOrigin.Begin);
            output.Write(prelude);
            output.Flush(flushToDisk: true);
        }
        File.Move(temp, OutPath, overwrite: true);
        Dispose();
        File.Delete(PartialPath(OutPath));
        File.Delete(JournalPath(OutPath));
        return header;
    }

    /// <summary>Closes the partial file and journal, leaving them on disk for a later resume.</summary>
    public void Dispose()
    {
        if (finished) return;
        finished = true;
        rows.Dispose();
        journal.Dispose();
    }

    private sealed record IdentityJson(string Encoder, string WeightsHash, string DatasetFingerprint, int Dimension, string DType)
    {
        public static IdentityJson From(FeatureStoreIdentity identity) =>
            new(identity.Encoder, identity.WeightsHash, identity.DatasetFingerprint, identity.Dimension, FeatureStoreHeader.DTypeName(identity.DType));

        public FeatureStoreIdentity ToIdentity() =>
            new(Encoder, WeightsHash, DatasetFingerprint, Dimension, FeatureStoreHeader.ParseDType(DType, "extraction journal"));
    }
}
