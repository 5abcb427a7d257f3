using Xunit;

namespace Captioning.Tests.Cli;

/// <summary>
/// `--device` of every verb that computes, through the real executable: a device this machine lacks or a
/// misspelt one is one stderr line naming the option, before any input is read. (This machine runs the CPU
/// build; `--device cpu` running to the end is in the train, evaluate, describe and bench tests.)
/// </summary>
public sealed class DeviceOptionTests(CliErrorFixture files) : IClassFixture<CliErrorFixture>
{
    // Each verb's arguments up to a valid-looking rest; the device is checked before the missing or bad inputs.
    public static TheoryData<string, string[]> Verbs() => new()
    {
        { "train", ["train", "--data", "{root}/nope", "--features", "{root}/nope.feat", "--out", "{root}/r"] },
        { "evaluate", ["evaluate", "--run", "{root}/nope"] },
        { "describe", ["describe", "--run", "{root}/nope", "{root}/photo.png"] },
        { "bench", ["bench", "--workload", "train", "--iterations", "1"] },
    };

    [Theory]
    [MemberData(nameof(Verbs))]
    public void Device_CudaOnACpuBuildIsOneLineNamingTheOption(string verb, string[] args)
    {
        var (code, stdout, stderr) = CliProcess.Run([.. args.Select(files.Resolve), "--device", "cuda"]);
        Assert.True(code == 1, $"{verb}: exit code {code}, stderr: {stderr}");
        Assert.Equal("", stdout);
        Assert.Equal("error: --device cuda: CUDA is not available (no GPU visible, or a CPU build: build with -p:TorchBackend=cuda, docs/gpu.md); use --device cpu or auto",
            Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void Device_UnknownNameIsOneLineListingTheChoices(string verb, string[] args)
    {
        var (code, stdout, stderr) = CliProcess.Run([.. args.Select(files.Resolve), "--device", "bogus"]);
        Assert.True(code == 1, $"{verb}: exit code {code}, stderr: {stderr}");
        Assert.Equal("", stdout);
        Assert.Equal("error: --device bogus: expected one of auto, cpu, cuda, cuda:N", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }
}
