using TorchSharp;
using static TorchSharp.torch;

namespace Captioning.Features;

/// <summary>Builds TorchSharp modules so that their construction leaves no stray tensors behind.</summary>
internal static class ModuleConstruction
{
    /// <summary>
    /// Runs <paramref name="create"/> in a dispose scope and keeps only the module's parameters and buffers:
    /// some TorchSharp layer constructors leave a temporary undisposed (Conv2d's bias initialisation, for
    /// one), which the scope frees instead of the finalizer.
    /// </summary>
    internal static T Build<T>(Func<T> create) where T : nn.Module
    {
        using var scope = torch.NewDisposeScope();
        var module = create();
        KeepState(module);
        return module;
    }

    /// <summary>Takes <paramref name="module"/>'s parameters and buffers out of the current dispose scope.</summary>
    internal static void KeepState(nn.Module module)
    {
        foreach (var parameter in module.parameters()) parameter.DetachFromDisposeScope();
        foreach (var buffer in module.buffers()) buffer.DetachFromDisposeScope();
    }
}
