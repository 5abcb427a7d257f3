using Captioning.Torch;
using Xunit;

namespace Captioning.Tests;

/// <summary>
/// Base class for tests that touch libtorch: fails a test that leaves more tensor handles alive
/// than it found (managed and native counts), and seeds libtorch so every test is deterministic.
/// </summary>
public abstract class NativeLeakGuard : IDisposable
{
    private readonly long managedAtStart;
    private readonly long nativeAtStart;

    protected NativeLeakGuard()
    {
        // Earlier tests' garbage must not be counted against this one.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        TorchRuntime.ManualSeed(1234);
        managedAtStart = TorchRuntime.LiveTensorHandles;
        nativeAtStart = TorchRuntime.LiveNativeTensors;
    }

    /// <summary>Set by a test that deliberately hands tensors to the finalizer.</summary>
    protected bool SkipLeakCheck { get; set; }

    public virtual void Dispose()
    {
        GC.SuppressFinalize(this);
        if (SkipLeakCheck) return;
        var managed = TorchRuntime.LiveTensorHandles - managedAtStart;
        var native = TorchRuntime.LiveNativeTensors - nativeAtStart;
        Assert.True(managed == 0 && native == 0,
            $"test leaked tensors: {managed} managed handles, {native} native tensors still alive");
    }
}
