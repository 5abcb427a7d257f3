using System.CommandLine;
using System.Globalization;

namespace Captioning.Cli.Commands;

/// <summary>`caption info`: versions, native libraries, threads and devices of this installation.</summary>
internal static class InfoCommand
{
    internal static Command Create()
    {
        var command = new Command("info", "Show the TorchSharp and LibTorch versions, the native library folder, threads and devices.");
        command.SetAction(_ => CommandRunner.Run(() =>
        {
            TorchRuntime.EnsureLoaded();
            Console.WriteLine($"torchsharp {TorchRuntime.TorchSharpVersion}");
            Console.WriteLine($"libtorch   {TorchRuntime.LibTorchVersion}");
            Console.WriteLine($"natives    {TorchRuntime.NativeFolder ?? "found by TorchSharp's own lookup"}");
            Console.WriteLine($"threads    {TorchRuntime.Threads} (cores: {Environment.ProcessorCount}); OpenMP wait policy {TorchRuntime.OpenMpWaitPolicy ?? "OpenMP's default"}");
            Console.WriteLine($"allocator  {TorchRuntime.AllocatorTuning ?? "the C library's defaults"}");
            var cuda = TorchRuntime.CudaDeviceCount;
            Console.WriteLine($"devices    cpu; cuda {(cuda > 0 ? string.Create(CultureInfo.InvariantCulture, $"{cuda} device(s)") : "not available")}");
            Console.WriteLine($"runtime    .NET {Environment.Version}");
        }));
        return command;
    }
}
