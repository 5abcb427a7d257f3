using System.CommandLine;
using TorchSharp;

namespace Captioning.Cli.Commands;

/// <summary>`--device auto|cpu|cuda[:N]`, the option of every verb that computes with libtorch.</summary>
internal static class DeviceOption
{
    internal const string Name = "--device";

    internal static Option<string> Create() => new(Name)
    {
        Description = "Where libtorch computes: auto (CUDA when a GPU is visible, else the CPU), cpu, cuda or cuda:N.",
        DefaultValueFactory = _ => "auto",
    };

    /// <summary>
    /// Loads the natives and resolves the option; a device this machine lacks ("cuda" on a CPU build) or a
    /// misspelt one is a <see cref="CaptioningException"/> naming the option.
    /// </summary>
    internal static torch.Device Resolve(ParseResult parse, Option<string> option) => Resolve(parse.GetValue(option));

    /// <inheritdoc cref="Resolve(ParseResult, Option{string})"/>
    internal static torch.Device Resolve(string? value)
    {
        TorchRuntime.EnsureLoaded();
        return TorchRuntime.ResolveDevice(value, Name);
    }
}
