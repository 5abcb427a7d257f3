using Captioning.Torch;
using Captioning.Torch.NN;
using Captioning.Torch.Optim;
using Xunit;

namespace Captioning.Tests.Torch;

/// <summary>Determinism, native error propagation, scopes and leaks.</summary>
public sealed class RuntimeTests : NativeLeakGuard
{
    private static double[] TrainTwentySteps(ulong seed)
    {
        TorchRuntime.ManualSeed(seed);
        using var embed = new Embedding(20, 8, paddingIdx: 0);
        using var lstm = new LSTM(8, 16, numLayers: 2, dropout: 0.2);
        using var head = new Linear(16, 20);
        using var opt = new Adam(embed.Parameters().Concat(lstm.Parameters()).Concat(head.Parameters()), 0.01);
        // One fixed batch: the loss must fall as the model memorises it; dropout keeps the run random.
        using var ids = Tensor.RandInt(1, 20, [4, 6]);
        using var target = Tensor.RandInt(0, 20, [4, 6]);
        var losses = new double[20];
        for (var step = 0; step < 20; step++)
        {
            using var scope = DisposeScope.Enter();
            var (h, _) = lstm.Forward(Functional.Dropout(embed.Forward(ids), 0.5, true));
            var loss = Functional.CrossEntropy(head.Forward(h).Reshape(-1, 20), target.Reshape(-1), ignoreIndex: 0);
            opt.ZeroGrad();
            loss.Backward();
            GradClip.ClipGradNorm(opt.Parameters, 5);
            opt.Step();
            losses[step] = loss.Item();
        }
        return losses;
    }

    [Fact]
    public void OpenMpWaitPolicy_ReachesTheNativeEnvironmentThatLibgompReads()
    {
        var policy = TorchRuntime.OpenMpWaitPolicy; // loads the native library, which sets it first
        var native = NativeLibraryLoader.NativeEnvironment(NativeLibraryLoader.WaitPolicyVariable);
        Assert.NotNull(policy);
        Assert.NotNull(native);
        // Both cases run as child processes in InfoCommandTests; this process has whichever the test runner gave it.
        Assert.True(policy == "PASSIVE (set by the workbook; OMP_WAIT_POLICY overrides)" ? native == "PASSIVE" : policy == $"{native} (from the environment)",
            $"policy '{policy}', native environment '{native}'");
        Assert.Equal(native, Environment.GetEnvironmentVariable(NativeLibraryLoader.WaitPolicyVariable));
    }

    [Fact]
    public void SameSeed_GivesBitIdenticalLosses()
    {
        var a = TrainTwentySteps(42);
        var b = TrainTwentySteps(42);
        var c = TrainTwentySteps(43);
        Assert.Equal(a.Select(BitConverter.DoubleToInt64Bits), b.Select(BitConverter.DoubleToInt64Bits));
        Assert.NotEqual(a, c);
        Assert.True(a[^1] < a[0], $"loss should fall over 20 Adam steps: {a[0]} -> {a[^1]}");
    }

    [Fact]
    public void ShapeMismatch_ThrowsWithLibTorchMessage()
    {
        using var scope = DisposeScope.Enter();
        var a = Tensor.Zeros([2, 3]);
        var b = Tensor.Zeros([4, 5]);
        var e = Assert.Throws<TorchException>(() => a.MatMul(b));
        Assert.Contains("cannot be multiplied", e.Message);
        // The process keeps running and the next call works.
        Assert.Equal(0.0, (a + 1).Sum().Item() - 6);
    }

    [Fact]
    public void IndexOutOfRange_Throws()
    {
        using var scope = DisposeScope.Enter();
        var table = Tensor.Zeros([5, 2]);
        var e = Assert.Throws<TorchException>(() => Functional.Embedding(table, Tensor.From(new long[] { 7 })));
        Assert.Contains("out of range", e.Message, StringComparison.OrdinalIgnoreCase);
        var e2 = Assert.Throws<TorchException>(() => table.Narrow(0, 4, 3));
        Assert.Contains("exceeds dimension size", e2.Message);
    }

    [Fact]
    public void WrongDtype_Throws()
    {
        using var scope = DisposeScope.Enter();
        var logits = Tensor.Zeros([2, 3]);
        var floatTargets = Tensor.Zeros([2, 4]);
        Assert.Throws<TorchException>(() => Functional.CrossEntropy(logits, floatTargets));
        var ints = Tensor.Zeros([2], DType.Int64);
        Assert.Throws<InvalidOperationException>(() => ints.ToArray<float>());
    }

    [Theory]
    [InlineData(0, "test std::exception")]
    [InlineData(1, "unknown native exception")]
    [InlineData(2, "test c10::Error")]
    public void AnyNativeException_BecomesManaged(int kind, string message)
    {
        var e = Assert.Throws<TorchException>(() => NativeMethods.Check(NativeMethods.cap_test_throw(kind)));
        Assert.Contains(message, e.Message);
        Assert.Equal(IntPtr.Zero, NativeMethods.cap_error_message());
    }

    [Fact]
    public void DisposeScope_FreesEverythingButMovedTensors()
    {
        var before = TorchRuntime.LiveTensorHandles;
        Tensor kept;
        using (var outer = DisposeScope.Enter())
        {
            using (var inner = DisposeScope.Enter())
            {
                var a = Tensor.Ones([3]);
                kept = (a * 2).MoveToOuterScope();
                _ = a + 1;
                Assert.Equal(2, inner.Count); // a and a + 1; the moved product belongs to the outer scope
            }
            Assert.Equal(before + 1, TorchRuntime.LiveTensorHandles);
            Assert.Equal(new float[] { 2, 2, 2 }, kept.ToArray<float>());
        }
        Assert.True(kept.IsDisposed);
        Assert.Equal(before, TorchRuntime.LiveTensorHandles);
        Assert.Throws<ObjectDisposedException>(() => kept.Sum());
    }

    [Fact]
    public void ThreadCount_IsConfigurable()
    {
        var original = TorchRuntime.Threads;
        try
        {
            TorchRuntime.Threads = 2;
            Assert.Equal(2, TorchRuntime.Threads);
            Assert.Throws<TorchException>(() => TorchRuntime.Threads = 0);
        }
        finally
        {
            TorchRuntime.Threads = original;
        }
    }

    [Fact]
    public void Cuda_ReportsWhatTheBuildCanDo()
    {
        using var scope = DisposeScope.Enter();
        if (TorchRuntime.CudaIsAvailable)
        {
            // A CUDA libtorch with a GPU: a tensor lands on cuda:0 and its values survive the trip there and back.
            Assert.True(TorchRuntime.CudaDeviceCount > 0);
            Assert.Equal(Device.Cuda(0), TorchRuntime.DefaultDevice);
            var onGpu = Tensor.From(new float[] { 1.5f, -2.25f, 3f }).To(Device.Cuda(0)); // (3)
            Assert.Equal(Device.Cuda(0), onGpu.Device);
            Assert.Equal(new float[] { 3f, -4.5f, 6f }, (onGpu * 2).To(Device.Cpu).ToArray<float>());
        }
        else
        {
            // A CPU libtorch (this project's CI) reports no devices and refuses to place a tensor on one.
            Assert.Equal(0, TorchRuntime.CudaDeviceCount);
            Assert.Equal(Device.Cpu, TorchRuntime.DefaultDevice);
            Assert.Throws<TorchException>(() => Tensor.Zeros([2], device: Device.Cuda(0)));
        }
    }

    [Fact]
    public void DataRoundTrips_ForEveryDtype()
    {
        using var scope = DisposeScope.Enter();
        var f = Tensor.From(new float[] { 1.5f, -2.25f });
        Assert.Equal(new[] { (Half)1.5f, (Half)(-2.25f) }, f.To(DType.Float16).ToArray<Half>());
        Assert.Equal(new float[] { 1.5f, -2.25f }, f.To(DType.BFloat16).ToFloatArray());
        Assert.Equal(new long[] { 1, -2 }, f.To(DType.Int64).ToArray<long>());
        Assert.Equal(new byte[] { 1, 0 }, f.Gt(0).To(DType.UInt8).ToArray<byte>());
        Assert.Equal(new[] { true, false }, f.Gt(0).ToArray<bool>());
        Assert.Equal(new double[] { 1.5, -2.25 }, f.ToDoubleArray());
        var bytes = f.ToBytes();
        Assert.Equal(f.ToArray<float>(), Tensor.FromBytes(bytes, DType.Float32, [2]).ToArray<float>());
        Assert.Throws<TorchException>(() => Tensor.FromBytes(bytes, DType.Float32, [3]));
    }
}

/// <summary>Resident memory stays flat over many scoped operations (no per-op native leak).</summary>
public sealed class LeakSoakTests : NativeLeakGuard
{
    private static long ResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        throw new InvalidOperationException("no VmRSS in /proc/self/status");
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void HundredThousandScopedIterations_KeepRssFlat()
    {
        using var weight = Tensor.Randn([64, 64]);
        void Iterate(int count)
        {
            for (var i = 0; i < count; i++)
            {
                using var scope = DisposeScope.Enter();
                var x = Tensor.Randn([8, 64]);
                var y = (x.MatMul(weight).Relu() + 1).Sum();
                y.Item();
            }
        }
        Iterate(5_000); // warm-up: allocator pools and JIT settle
        GC.Collect();
        var before = ResidentBytes();
        Iterate(100_000);
        GC.Collect();
        var growth = ResidentBytes() - before;
        Assert.True(growth < 50L * 1024 * 1024, $"RSS grew by {growth / (1024 * 1024)} MB over 100,000 iterations");
    }
}
