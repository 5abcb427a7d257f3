using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using Xunit.Sdk;

namespace Captioning.Tests;

/// <summary>The leak guard itself: it fails a test that leaks a tensor and passes one that disposes what it made.</summary>
public sealed class NativeLeakGuardTests : NativeLeakGuard
{
    // A guard of its own, so a test here can play the part of a test under guard.
    private sealed class Guarded : NativeLeakGuard;

    [Fact]
    public void Dispose_FailsATestThatLeaksATensor()
    {
        var guarded = new Guarded();
        var before = LiveTensors();
        var leaked = zeros(2, 3); // outside any dispose scope and never disposed: a leak
        try
        {
            Assert.Equal(before + 1, LiveTensors());
            var failure = Assert.Throws<TrueException>(guarded.Dispose);
            Assert.StartsWith("test leaked tensors: 1 tensors created on this thread are still alive (TorchSharp's count)", failure.Message);
        }
        finally
        {
            leaked.Dispose(); // this class's own guard then finds the suite clean
        }
        Assert.Equal(before, LiveTensors());
    }

    [Fact]
    public void Dispose_PassesATestThatDisposesItsTensors()
    {
        var guarded = new Guarded();
        var before = LiveTensors();
        using (NewDisposeScope())
        {
            var x = ones(2, 3); // (2, 3)
            Assert.Equal(12.0f, (x * 2).sum().item<float>());
        }
        using (var kept = zeros(4))
            Assert.Equal(4L, kept.size(0));
        Assert.Equal(before, LiveTensors());
        guarded.Dispose(); // throws (and fails this test) if it counted anything left alive
    }
}
