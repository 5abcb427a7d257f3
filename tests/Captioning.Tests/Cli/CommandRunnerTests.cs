using System.Runtime.InteropServices;
using Captioning.Cli.Commands;
using TorchSharp;
using Xunit;

namespace Captioning.Tests.Cli;

/// <summary>How a verb's failure reaches the user: one stderr line and an exit code, whatever threw.</summary>
public sealed class CommandRunnerTests : NativeLeakGuard
{
    private static (int Code, string Err) Run(Action body)
    {
        var old = Console.Error;
        using var error = new StringWriter();
        Console.SetError(error);
        try
        {
            return (CommandRunner.Run(body), error.ToString());
        }
        finally
        {
            Console.SetError(old);
        }
    }

    [Fact]
    public void Run_ReportsALibtorchErrorAsOneInternalErrorLine()
    {
        string? native = null;
        var (code, error) = Run(() =>
        {
            using var x = torch.zeros(2); // (2)
            try
            {
                x.view(3).Dispose();
            }
            catch (ExternalException e)
            {
                native = e.Message;
                throw;
            }
        });
        // libtorch's own message goes on with its C++ backtrace; only the first line reaches the terminal.
        Assert.NotNull(native);
        Assert.Contains('\n', native.Trim());
        Assert.Equal(2, code);
        Assert.Equal("internal error: libtorch: shape '[3]' is invalid for input of size 2", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void Run_ReportsTheNativeLoadFailureAsOneUserErrorLine()
    {
        // The message TorchRuntime.EnsureLoaded throws when the dynamic loader refuses libLibTorchSharp.so.
        const string path = "/opt/caption/runtimes/linux-x64/native/libLibTorchSharp.so";
        var message = TorchRuntime.LoadFailure(path, $"{path}: /lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by {path})");
        var (code, error) = Run(() => throw new CaptioningException(message));
        Assert.Equal(1, code);
        Assert.Equal($"error: TorchSharp cannot load {path}: /lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by {path}). " +
            "Fix: rebuild with `dotnet build` (its step build/WeakenGlibcxx.targets makes the build output's copy load on Debian 12), e.g. environment/setup.",
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void Run_KeepsOnlyTheFirstLineOfAnUnexpectedException()
    {
        var (code, error) = Run(() => throw new InvalidOperationException("first\n  second\nthird"));
        Assert.Equal(2, code);
        Assert.Equal("internal error: InvalidOperationException: first", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }
}
