using TorchSharp;
using Xunit;

namespace Captioning.Tests;

/// <summary>
/// Base class for tests that touch libtorch: fails a test that leaves more tensors alive than it
/// found, and seeds libtorch so every test is deterministic.
/// </summary>
public abstract class NativeLeakGuard : IDisposable
{
    private readonly long atStart;

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
    /// The one place that counts live tensors, with TorchSharp's own accounting: the tensors (and packed
    /// sequences) created on this thread, inside or outside dispose scopes, minus those disposed
    /// (<c>DisposeScopeManager.Statistics.ThreadTotalLiveCount</c>). Tests run one at a time and each runs
    /// on one thread. The process-wide <c>torch.Tensor.TotalCount</c> cannot serve: in TorchSharp 0.107 a
    /// tensor turned into an <c>nn.Parameter</c> hands its handle over without lowering that count, so
    /// every module built would read as a leak. NativeLeakGuardTests shows that this count catches a leak.
    /// </summary>
    internal static long LiveTensors() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    public virtual void Dispose()
    {
        GC.SuppressFinalize(this);
        if (SkipLeakCheck) return;
        var leaked = LiveTensors() - atStart;
        Assert.True(leaked == 0, $"test leaked tensors: {leaked} tensors created on this thread are still alive (TorchSharp's count)");
    }
}
