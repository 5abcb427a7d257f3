using System.Diagnostics;
using Xunit;

namespace Captioning.Tests.Data;

/// <summary>util-linux flock(1): another process and another implementation of the lock <see cref="Captioning.Data.WriterLock"/> takes.</summary>
internal static class FlockProcess
{
    /// <summary>
    /// Holds an exclusive lock on <paramref name="lockPath"/> until killed; returns once it is held. --close keeps the
    /// lock in flock itself (not in its child shell), so that flock's death alone releases it.
    /// </summary>
    internal static Holder Hold(string lockPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        var start = new ProcessStartInfo("/usr/bin/flock") { RedirectStandardInput = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "--exclusive", "--nonblock", "--close", lockPath, "--command", "echo held; exec cat" }) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        Assert.Equal("held", process.StandardOutput.ReadLine());
        return new Holder(process);
    }

    /// <summary>A flock(1) process holding a lock; disposing (like <see cref="Kill"/>) SIGKILLs it and waits until it is gone, lock released.</summary>
    internal sealed class Holder(Process process) : IDisposable
    {
        public int Id { get; } = process.Id;

        public void Kill()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        public void Dispose()
        {
            Kill();
            process.Dispose();
        }
    }

    /// <summary>flock(1)'s verdict from outside this process: 0 when it could lock the file at once, 1 when another holder has it.</summary>
    internal static int Probe(string lockPath)
    {
        using var probe = Process.Start("/usr/bin/flock", ["--exclusive", "--nonblock", lockPath, "true"]);
        probe.WaitForExit();
        return probe.ExitCode;
    }
}
