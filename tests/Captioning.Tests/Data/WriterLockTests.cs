using System.Globalization;
using Captioning.Data;
using Xunit;

namespace Captioning.Tests.Data;

/// <summary>
/// <see cref="WriterLock"/> against util-linux flock(1), an independent process and implementation: it sees our lock
/// as a real flock, and its locks (held, then killed) are refused and then taken over by ours.
/// </summary>
public sealed class WriterLockTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private string Run => Path.Combine(folder.Path, "runs", "merge");

    [Fact]
    public void Acquire_FlocksPathDotLockAndRecordsTheOwnerUntilDisposed()
    {
        var writing = WriterLock.Acquire(Run, "run folder");
        Assert.Equal(Path.Combine(folder.Path, "runs", "merge.lock"), writing.LockPath);
        Assert.Equal(1, FlockProcess.Probe(writing.LockPath)); // flock -n exits 1: the file is locked
        var owner = File.ReadAllLines(Path.Combine(folder.Path, "runs", "merge.lock.owner"));
        Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), owner[0]);
        Assert.Equal(2, owner.Length);

        writing.Dispose();
        Assert.Equal(0, FlockProcess.Probe(Run + ".lock"));
        Assert.False(File.Exists(Run + ".lock.owner"));
        Assert.True(File.Exists(Run + ".lock")); // kept: deleting it could give two holders two files of one name
    }

    [Fact]
    public void Acquire_SameProcessIsReentrantAndNestedFoldersAreSeparateLocks()
    {
        var root = Path.Combine(folder.Path, "demo");
        var demo = WriterLock.Acquire(root, "demo folder");
        var stage = WriterLock.Acquire(Path.Combine(root, "runs", "merge"), "run folder");
        var again = WriterLock.Acquire(root + "/", "demo folder"); // the same folder, spelled with a trailing slash

        again.Dispose();
        Assert.Equal(1, FlockProcess.Probe(root + ".lock")); // still held by the first hold
        demo.Dispose();
        Assert.Equal(0, FlockProcess.Probe(root + ".lock"));
        Assert.Equal(1, FlockProcess.Probe(Path.Combine(root, "runs", "merge.lock")));
        stage.Dispose();
        Assert.Equal(0, FlockProcess.Probe(Path.Combine(root, "runs", "merge.lock")));
    }

    [Fact]
    public void Acquire_HeldByAnotherProcess_IsRefusedNamingTheHolder()
    {
        using var holder = FlockProcess.Hold(Run + ".lock");
        // Before the holder has recorded itself (flock(1) never does), it cannot be named.
        var unnamed = Assert.Throws<CaptioningException>(() => WriterLock.Acquire(Run, "run folder"));
        Assert.Equal($"run folder '{Run}' is being written by another process (it has not recorded its id yet); wait for it to finish or stop it, then rerun",
            unnamed.Message);

        File.WriteAllText(Run + ".lock.owner", $"{holder.Id}\ncaption train --out runs/merge\n");
        var named = Assert.Throws<CaptioningException>(() => WriterLock.Acquire(Run, "run folder"));
        Assert.Equal($"run folder '{Run}' is being written by process {holder.Id} (caption train --out runs/merge); wait for it to finish or stop it, then rerun",
            named.Message);
        Assert.Equal($"{holder.Id}\ncaption train --out runs/merge\n", File.ReadAllText(Run + ".lock.owner")); // the refused one wrote nothing
    }

    [Fact]
    public void Acquire_AfterTheHolderWasKilled_TakesTheLockAndItsRecord()
    {
        using (var holder = FlockProcess.Hold(Run + ".lock"))
        {
            File.WriteAllText(Run + ".lock.owner", $"{holder.Id}\ncaption train --out runs/merge\n");
            holder.Kill(); // SIGKILL: the kernel drops its lock, its files stay
        }
        Assert.True(File.Exists(Run + ".lock"));

        using var writing = WriterLock.Acquire(Run, "run folder");
        Assert.Equal(1, FlockProcess.Probe(Run + ".lock"));
        Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), File.ReadAllLines(Run + ".lock.owner")[0]);
    }
}
