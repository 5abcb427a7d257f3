using TorchSharp;
using Xunit;

namespace Captioning.Tests;

/// <summary>
/// Base class for tests that touch libtorch: fails a test that leaves more tensors alive than it
/// found, and seeds libtorch so every test is deterministic.
/// </summary>
public abstract class NativeLeakGuard : IDisposable
{
    private readonly (long Managed, long Native) atStart;

    protected NativeLeakGuard()
    {
        // Earlier tests' garbage must not be counted against this one.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        TorchRuntime.ManualSeed(1234);
        atStart = LiveTensors();
    }

    /// <summary>Set by a test that deliberately hands tensors to the finalizer.</summary>
    protected bool SkipLeakCheck { get; set; }

    /// <summary>
    /// The one place that counts live tensors, with TorchSharp's own accounting: every tensor object
    /// not yet disposed in the process (<c>torch.Tensor.TotalCount</c>), and this thread's tensors and
    /// packed sequences alive inside or outside dispose scopes (<c>DisposeScopeManager.Statistics</c>).
    /// NativeLeakGuardTests shows that both catch a leak.
    /// </summary>
    internal static (long Managed, long Native) LiveTensors() =>
        (torch.Tensor.TotalCount, DisposeScopeManager.Statistics.ThreadTotalLiveCount);

    public virtual void Dispose()
    {
        GC.SuppressFinalize(this);
        if (SkipLeakCheck) return;
        var now = LiveTensors();
        var managed = now.Managed - atStart.Managed;
        var native = now.Native - atStart.Native;
        Assert.True(managed == 0 && native == 0,
            $"test leaked tensors: {managed} tensors alive in the process, {native} on this thread (TorchSharp's counts)");
    }
}
