using TorchSharp;
using static TorchSharp.torch;

namespace Captioning.Weights;

/// <summary>Loading a name → tensor map into a TorchSharp module with errors that say which keys do not fit.</summary>
public static class StateDictExtensions
{
    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="module"/> with TorchSharp's <c>load_state_dict</c>, after
    /// checking what it does not: with <paramref name="strict"/>, every missing, unexpected or mis-shaped key is listed
    /// in one <see cref="CaptioningException"/> (mis-shaped ones always are, since <c>copy_</c> would broadcast them)
    /// and nothing is copied. <paramref name="sourceName"/> (a file) names the weights in the message.
    /// </summary>
    public static void LoadStateDict(this nn.Module module, IReadOnlyDictionary<string, Tensor> source, bool strict = true, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(source);
        var own = module.state_dict(); // the module's own tensors, in PyTorch's order; nothing new to free
        var missing = new List<string>();
        var misShaped = new List<string>();
        foreach (var (name, tensor) in own)
        {
            if (!source.TryGetValue(name, out var value))
            {
                missing.Add(name);
                continue;
            }
            if (!tensor.shape.SequenceEqual(value.shape))
                misShaped.Add($"{name}: expected [{string.Join(", ", tensor.shape)}], got [{string.Join(", ", value.shape)}]");
        }
        var unexpected = source.Keys.Where(k => !own.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (misShaped.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"missing keys ({missing.Count}): {string.Join(", ", missing)}");
            if (unexpected.Count > 0) parts.Add($"unexpected keys ({unexpected.Count}): {string.Join(", ", unexpected)}");
            if (misShaped.Count > 0) parts.Add($"shape mismatches ({misShaped.Count}): {string.Join("; ", misShaped)}");
            var what = sourceName == null ? "state dict" : $"weights '{sourceName}'";
            throw new CaptioningException($"{what} do not fit {module.GetType().Name}: {string.Join(". ", parts)}");
        }
        module.load_state_dict(source.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal), strict);
    }
}
