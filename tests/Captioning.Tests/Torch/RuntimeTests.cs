using System.Runtime.InteropServices;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Torch;

/// <summary>
/// What the workbook relies on from TorchSharp and its own runtime layer: determinism, native errors
/// that become exceptions (never a crash), dispose scopes, threads, devices and the native preload.
/// </summary>
public sealed class RuntimeTests : NativeLeakGuard
{
    private static double[] TrainTwentySteps(long seed)
    {
        TorchRuntime.ManualSeed(seed);
        using var embed = nn.Embedding(20, 8, padding_idx: 0);
        using var lstm = nn.LSTM(8, 16, numLayers: 2, dropout: 0.2, batchFirst: true);
        using var head = nn.Linear(16, 20);
        var parameters = embed.parameters().Concat(lstm.parameters()).Concat(head.parameters()).ToList();
        using var opt = optim.Adam(parameters, 0.01);
        // One fixed batch: the loss must fall as the model memorises it; dropout keeps the run random.
        using var ids = randint(1, 20, [4, 6]);
        using var target = randint(0, 20, [4, 6]);
        var losses = new double[20];
        for (var step = 0; step < 20; step++)
        {
            using var scope = NewDisposeScope();
            var (h, _, _) = lstm.forward(nn.functional.dropout(embed.forward(ids), 0.5, true));
            var loss = nn.functional.cross_entropy(head.forward(h).reshape(-1, 20), target.reshape(-1), ignore_index: 0);
            opt.zero_grad();
            loss.backward();
            nn.utils.clip_grad_norm_(parameters, 5);
            opt.step();
            losses[step] = loss.item<float>();
        }
        return losses;
    }

    [Fact]
    public void OpenMpWaitPolicy_ReachesTheNativeEnvironmentThatLibgompReads()
    {
        TorchRuntime.EnsureLoaded(); // sets the policy just before the natives load
        var policy = TorchRuntime.OpenMpWaitPolicy;
        var native = TorchRuntime.NativeEnvironment(TorchRuntime.WaitPolicyVariable);
        Assert.NotNull(policy);
        Assert.NotNull(native);
        // Both cases run as child processes in InfoCommandTests; this process has whichever the test runner gave it.
        Assert.True(policy == "PASSIVE (set by the workbook; OMP_WAIT_POLICY overrides)" ? native == "PASSIVE" : policy == $"{native} (from the environment)",
            $"policy '{policy}', native environment '{native}'");
        Assert.Equal(native, Environment.GetEnvironmentVariable(TorchRuntime.WaitPolicyVariable));
    }

    [Fact]
    public void Natives_AreLoadedFromTheBuildOutputNextToTheLibrary()
    {
        TorchRuntime.EnsureLoaded();
        var expected = Path.Combine(Path.GetDirectoryName(typeof(TorchRuntime).Assembly.Location)!, "runtimes", "linux-x64", "native");
        Assert.Equal(expected, TorchRuntime.NativeFolder);
        Assert.StartsWith("2.10", TorchRuntime.LibTorchVersion);
        Assert.Equal("0.107.0", TorchRuntime.TorchSharpVersion);
    }

    [Fact]
    public void LoadFailure_IsOneLineWithTheLoadersReasonAndTheFix()
    {
        const string path = "/x/runtimes/linux-x64/native/libLibTorchSharp.so";
        var glibcxx = TorchRuntime.LoadFailure(path,
            $"Unable to load shared library '{path}' or one of its dependencies. In order to help diagnose loading problems, consider using a tool like strace. If you're using glibc, consider setting the LD_DEBUG environment variable: \n{path}: /lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by {path})");
        Assert.Equal($"TorchSharp cannot load {path}: /lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by {path}). " +
                     "Fix: rebuild with `dotnet build` (its step build/WeakenGlibcxx.targets makes the build output's copy load on Debian 12), e.g. environment/setup.", glibcxx);
        var missing = TorchRuntime.LoadFailure(path, $"{path}: cannot open shared object file: No such file or directory");
        Assert.Equal($"TorchSharp cannot load {path}: cannot open shared object file: No such file or directory. " +
                     "Fix: run environment/setup (it restores and builds TorchSharp's native packages).", missing);
        Assert.DoesNotContain('\n', missing);
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
        using var scope = NewDisposeScope();
        var a = zeros(2, 3);
        var b = zeros(4, 5);
        var e = Assert.Throws<ExternalException>(() => a.mm(b));
        Assert.Contains("cannot be multiplied", e.Message);
        // The process keeps running and the next call works.
        Assert.Equal(6.0f, (a + 1).sum().item<float>());
    }

    [Fact]
    public void Library_NeverCallsMatmul_WhoseNativeSideDoesNotCatchErrors()
    {
        // TorchSharp 0.107's THSTensor_matmul is the one native entry point without LibTorch's error
        // catch: a shape mismatch there terminates the process instead of throwing. The library uses mm/bmm.
        var callers = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root(), "lib"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Where(f => File.ReadLines(f).Any(line => !line.TrimStart().StartsWith("//") && line.Contains("matmul(")))
            .ToList();
        Assert.Empty(callers);
    }

    [Fact]
    public void IndexOutOfRange_Throws()
    {
        using var scope = NewDisposeScope();
        using var table = nn.Embedding(5, 2);
        var e = Assert.Throws<ExternalException>(() => table.forward(tensor(new long[] { 7 })));
        Assert.Contains("out of range", e.Message, StringComparison.OrdinalIgnoreCase);
        var e2 = Assert.Throws<ExternalException>(() => zeros(5, 2).narrow(0, 4, 3));
        Assert.Contains("exceeds dimension size", e2.Message);
    }

    [Fact]
    public void WrongDtype_Throws()
    {
        using var scope = NewDisposeScope();
        var logits = zeros(2, 3);
        var floatTargets = zeros(2, 4);
        Assert.Throws<ExternalException>(() => nn.functional.cross_entropy(logits, floatTargets));
        var ints = zeros([2], ScalarType.Int64);
        Assert.ThrowsAny<Exception>(() => ints.data<float>().ToArray());
    }

    [Fact]
    public void DisposeScope_FreesEverythingButMovedTensors()
    {
        var before = Tensor.TotalCount;
        Tensor kept;
        using (var outer = NewDisposeScope())
        {
            using (var inner = NewDisposeScope())
            {
                var a = ones(3);
                kept = (a * 2).MoveToOuterDisposeScope();
                _ = a + 1;
            }
            Assert.Equal(before + 1, Tensor.TotalCount); // only the moved product is still alive
            Assert.Equal(new float[] { 2, 2, 2 }, kept.data<float>().ToArray());
        }
        Assert.True(kept.IsInvalid);
        Assert.Equal(before, Tensor.TotalCount);
        Assert.ThrowsAny<Exception>(() => kept.sum());
    }

    [Fact]
    public void ThreadCount_IsConfigurable()
    {
        var original = TorchRuntime.Threads;
        try
        {
            TorchRuntime.Threads = 2;
            Assert.Equal(2, TorchRuntime.Threads);
            TorchRuntime.ConfigureThreads(1);
            Assert.Equal(1, TorchRuntime.Threads);
            TorchRuntime.ConfigureThreads(0);
            Assert.Equal(Environment.ProcessorCount, TorchRuntime.Threads);
            var e = Assert.Throws<CaptioningException>(() => TorchRuntime.ConfigureThreads(-1));
            Assert.Equal("--threads must be 0 (one per core) or more, got -1", e.Message);
        }
        finally
        {
            TorchRuntime.Threads = original;
        }
    }

    [Fact]
    public void Cuda_ReportsWhatTheBuildCanDo()
    {
        using var scope = NewDisposeScope();
        if (TorchRuntime.CudaIsAvailable)
        {
            // A CUDA LibTorch with a GPU: a tensor lands on cuda:0 and its values survive the trip there and back.
            Assert.True(TorchRuntime.CudaDeviceCount > 0);
            Assert.Equal(DeviceType.CUDA, TorchRuntime.DefaultDevice.type);
            Assert.Equal(DeviceType.CUDA, TorchRuntime.ResolveDevice("auto").type);
            var onGpu = tensor(new float[] { 1.5f, -2.25f, 3f }).to(TorchRuntime.ResolveDevice("cuda")); // (3)
            Assert.Equal(DeviceType.CUDA, onGpu.device_type);
            Assert.Equal(new float[] { 3f, -4.5f, 6f }, (onGpu * 2).cpu().data<float>().ToArray());
        }
        else
        {
            // The CPU build (this project's CI) reports no devices, picks the CPU for auto, and refuses cuda with the reason.
            Assert.Equal(0, TorchRuntime.CudaDeviceCount);
            Assert.Equal(DeviceType.CPU, TorchRuntime.DefaultDevice.type);
            Assert.Equal(DeviceType.CPU, TorchRuntime.ResolveDevice("auto").type);
            Assert.Equal(DeviceType.CPU, TorchRuntime.ResolveDevice(null).type);
            var e = Assert.Throws<CaptioningException>(() => TorchRuntime.ResolveDevice("cuda"));
            Assert.Equal("--device cuda: CUDA is not available (no GPU visible, or a CPU build: build with -p:TorchBackend=cuda, docs/gpu.md); use --device cpu or auto", e.Message);
        }
        Assert.Equal(DeviceType.CPU, TorchRuntime.ResolveDevice(" CPU ").type);
    }

    [Theory]
    [InlineData("gpu", "--device gpu: expected one of auto, cpu, cuda, cuda:N")]
    [InlineData("cuda:x", "--device cuda:x: expected cuda or cuda:N with N a device number")]
    [InlineData("cuda:-1", "--device cuda:-1: expected cuda or cuda:N with N a device number")]
    public void ResolveDevice_RefusesWhatItCannotParse(string option, string message)
    {
        var e = Assert.Throws<CaptioningException>(() => TorchRuntime.ResolveDevice(option));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void DataRoundTrips_ForEveryDtype()
    {
        using var scope = NewDisposeScope();
        var f = tensor(new float[] { 1.5f, -2.25f });
        Assert.Equal(new[] { (Half)1.5f, (Half)(-2.25f) }, f.to(ScalarType.Float16).data<Half>().ToArray());
        Assert.Equal(new float[] { 1.5f, -2.25f }, f.to(ScalarType.BFloat16).to(ScalarType.Float32).data<float>().ToArray());
        Assert.Equal(new long[] { 1, -2 }, f.to(ScalarType.Int64).data<long>().ToArray());
        Assert.Equal(new byte[] { 1, 0 }, f.gt(0).to(ScalarType.Byte).data<byte>().ToArray());
        Assert.Equal(new[] { true, false }, f.gt(0).data<bool>().ToArray());
        Assert.Equal(new double[] { 1.5, -2.25 }, f.to(ScalarType.Float64).data<double>().ToArray());
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
        using var weight = randn(64, 64);
        void Iterate(int count)
        {
            for (var i = 0; i < count; i++)
            {
                using var scope = NewDisposeScope();
                var x = randn(8, 64);
                var y = (x.matmul(weight).relu() + 1).sum();
                y.item<float>();
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
