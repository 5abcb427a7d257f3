using System.Globalization;

namespace Captioning.Data;

/// <summary>
/// One writer per folder or file: an exclusive OS lock on <c>PATH.lock</c> beside what is written, held until
/// disposed or until the process ends (the kernel drops it on any exit, SIGKILL included), so a killed run
/// never blocks its rerun. A second process is refused at once with a <see cref="CaptioningException"/> naming
/// the holder. docs/checkpoints.md, "One writer per folder".
/// </summary>
/// <remarks>
/// .NET on Linux opens a file with <see cref="FileShare.None"/> under flock(LOCK_EX | LOCK_NB), and every other
/// .NET open of that file takes a shared flock, so the locked file cannot be read back by the refused process:
/// the holder's id and command go to <c>PATH.lock.owner</c> (written after the lock is taken). The lock file
/// is kept after release: deleting it could let two processes lock two different files of the same name.
/// Within one process the lock is re-entrant (counted), so nested stages never refuse their own process.
/// </remarks>
public sealed class WriterLock : IDisposable
{
    // EWOULDBLOCK: .NET reports flock's refusal as an IOException carrying the errno.
    private const int WouldBlock = 11;

    private static readonly Dictionary<string, Held> HeldHere = new(StringComparer.Ordinal);

    private Held? held;

    private WriterLock(Held held) => this.held = held;

    /// <summary>The lock file.</summary>
    public string LockPath => held?.LockPath ?? throw new ObjectDisposedException(nameof(WriterLock));

    /// <summary>The lock file of <paramref name="path"/> (a folder or a file): <c>PATH.lock</c> beside it.</summary>
    public static string LockPathOf(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)) + ".lock";

    /// <summary>The file naming the lock's holder (process id, then command line).</summary>
    public static string OwnerPathOf(string path) => LockPathOf(path) + ".owner";

    /// <summary>
    /// Takes the lock on <paramref name="path"/> for this process, or throws a <see cref="CaptioningException"/>
    /// saying that <paramref name="what"/> (e.g. "run folder") is being written by another process, which one, and what to do.
    /// </summary>
    public static WriterLock Acquire(string path, string what)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var lockPath = LockPathOf(full);
        lock (HeldHere)
        {
            if (HeldHere.TryGetValue(lockPath, out var mine))
            {
                mine.Count++;
                return new WriterLock(mine);
            }
            Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
            FileStream stream;
            try
            {
                stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (e.HResult == WouldBlock)
            {
                throw new CaptioningException($"{what} '{full}' is being written by {Holder(full)}; wait for it to finish or stop it, then rerun", e);
            }
            AtomicFile.WriteAllText(OwnerPathOf(full), OwnerRecord());
            var entry = new Held(lockPath, OwnerPathOf(full), stream);
            HeldHere[lockPath] = entry;
            return new WriterLock(entry);
        }
    }

    /// <summary>Releases this hold; the OS lock goes with the process's last hold on the path.</summary>
    public void Dispose()
    {
        if (held == null) return;
        lock (HeldHere)
        {
            if (--held.Count == 0)
            {
                HeldHere.Remove(held.LockPath);
                // Removed while still locked, so a record on disk always belongs to a live holder or a dead one, never to the next.
                File.Delete(held.OwnerPath);
                held.Stream.Dispose();
            }
        }
        held = null;
    }

    // "process 1234 (caption train ... --out R)", read from the holder's record.
    private static string Holder(string path)
    {
        try
        {
            var lines = File.ReadAllLines(OwnerPathOf(path));
            if (lines.Length >= 2 && int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                return $"process {pid} ({lines[1]})";
        }
        catch (IOException)
        {
            // Between taking the lock and writing its record, the holder is not named yet.
        }
        return "another process (it has not recorded its id yet)";
    }

    private static string OwnerRecord()
    {
        var args = Environment.GetCommandLineArgs();
        // args[0] is the entry assembly (caption.dll for the `caption` apphost); the name alone reads like what the user typed.
        var words = args.Skip(1).Select(a => a.Length == 0 || a.Any(char.IsWhiteSpace) ? $"\"{a}\"" : a).Prepend(Path.GetFileNameWithoutExtension(args[0]));
        return string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}\n{string.Join(' ', words).ReplaceLineEndings(" ")}\n");
    }

    private sealed class Held(string lockPath, string ownerPath, FileStream stream)
    {
        public string LockPath { get; } = lockPath;
        public string OwnerPath { get; } = ownerPath;
        public FileStream Stream { get; } = stream;
        public int Count { get; set; } = 1;
    }
}
