using System.CommandLine;
using Captioning.Torch;

namespace Captioning.Cli.Commands;

/// <summary>`caption info`: versions, threads and devices of this installation.</summary>
internal static class InfoCommand
{
    internal static Command Create()
    {
        var command = new Command("info", "Show the libtorch version, native library, threads and devices.");
        command.SetAction(_ => CommandRunner.Run(() =>
        {
            Console.WriteLine($"libtorch   {TorchRuntime.LibTorchVersion}");
            Console.WriteLine($"threads    {TorchRuntime.Threads} (cores: {Environment.ProcessorCount}); OpenMP wait policy {TorchRuntime.OpenMpWaitPolicy ?? "OpenMP's default"}");
            Console.WriteLine($"cuda       {(TorchRuntime.CudaIsAvailable ? $"{TorchRuntime.CudaDeviceCount} device(s)" : "not available")}");
            Console.WriteLine($"runtime    .NET {Environment.Version}");
        }));
        return command;
    }
}
