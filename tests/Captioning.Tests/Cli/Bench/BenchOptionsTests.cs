using Captioning.Cli.Commands;
using Xunit;

namespace Captioning.Tests.Cli.Bench;

// Every check here fails before any workload runs, so these tests take milliseconds.
public sealed class BenchOptionsTests
{
    [Theory]
    [InlineData(new[] { "--iterations", "0" }, "error: --iterations must be at least 1, got 0")]
    [InlineData(new[] { "--warmup", "-1" }, "error: --warmup must be 0 or more, got -1")]
    [InlineData(new[] { "--threads", "-2" }, "error: --threads must be 0 (all cores) or more, got -2")]
    [InlineData(new[] { "--workload", "Train" }, "error: --workload: unknown workload 'Train'; expected one of: train, decode, extract, memory")]
    [InlineData(new[] { "--compare-pytorch", "--workload", "paint" }, "error: --workload: unknown workload 'paint'; expected one of: train, decode, extract, memory")]
    public void Bench_FailsWithExitOneNamingTheOption(string[] args, string expected)
    {
        var (code, output, error) = CliRunner.Run(["bench", .. args]);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal(expected + "\n", error.Replace("\r\n", "\n"));
    }

    [Fact]
    public void Bench_ComparePytorchFailsWithExitOneForMissingInterpreter()
    {
        var python = Path.Combine(Path.GetTempPath(), "no-such-dir-7f3a", "python3");
        var (code, output, error) = CliRunner.Run("bench", "--compare-pytorch", "--workload", "decode", "--python", python);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal($"error: --python: '{python}' does not exist; --compare-pytorch needs Debian's python3 with torch: " +
            "run `environment/setup --bench-deps` (installs Debian's python3-torch, python3-torchvision and python3-onnx)\n", error.Replace("\r\n", "\n"));
    }

    [Fact]
    public void Bench_ComparePytorchFailsWithExitOneForInterpreterThatCannotRun()
    {
        var notExecutable = Path.GetTempFileName();
        try
        {
            var (code, output, error) = CliRunner.Run("bench", "--compare-pytorch", "--workload", "decode", "--python", notExecutable);
            Assert.Equal(1, code);
            Assert.Equal("", output);
            Assert.StartsWith($"error: --python: cannot run '{notExecutable}' (", error);
            Assert.EndsWith("); expected a python3 interpreter with torch: run `environment/setup --bench-deps` " +
                "(installs Debian's python3-torch, python3-torchvision and python3-onnx)\n", error.Replace("\r\n", "\n"));
        }
        finally
        {
            File.Delete(notExecutable);
        }
    }

    [Fact]
    public void Check_TurnsMissingTorchExitCodeIntoInstallHint()
    {
        var e = Assert.Throws<CaptioningException>(() => PytorchReference.Check(PytorchReference.MissingTorchExitCode,
            ["Traceback", "pytorch_reference.py: cannot import torch (No module named 'torch')"], "/usr/bin/python3", "bench/pytorch_reference.py --check"));
        Assert.Equal("--compare-pytorch: /usr/bin/python3 cannot import torch/torchvision (Traceback | pytorch_reference.py: cannot import torch " +
            "(No module named 'torch')); run `environment/setup --bench-deps` (installs Debian's python3-torch, python3-torchvision and python3-onnx)", e.Message);
    }

    [Fact]
    public void Check_TreatsOtherFailuresAsInternalErrors()
    {
        var e = Assert.Throws<InvalidOperationException>(() => PytorchReference.Check(1, ["a", "b", "c", "RuntimeError: boom"], "/usr/bin/python3", "bench/pytorch_reference.py --workload train"));
        Assert.Equal("/usr/bin/python3 bench/pytorch_reference.py --workload train exited with code 1: b | c | RuntimeError: boom", e.Message);
    }

    [Fact]
    public void LocateScript_FindsTheRepositoryScript()
    {
        var script = PytorchReference.LocateScript();
        Assert.EndsWith(Path.Combine("bench", "pytorch_reference.py"), script);
        Assert.StartsWith("#!/usr/bin/python3\n\"\"\"PyTorch eager reference for `caption bench --compare-pytorch`.", File.ReadAllText(script));
    }

    [Fact]
    public void RunAllOrder_HasEveryWorkloadOnceWithMemoryFirst()
    {
        Assert.Equal("memory", BenchCommand.RunAllOrder[0]);
        Assert.Equal(BenchCommand.Workloads.Keys.Order(), BenchCommand.RunAllOrder.Order());
    }
}
