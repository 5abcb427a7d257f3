using Captioning.Torch.Serialization.Pickle;

namespace Captioning.Torch.Serialization;

/// <summary>
/// Reads state dicts from PyTorch checkpoints (<c>torch.save</c> files: the zip format of torch 1.6
/// and later, and the legacy pickle format of torch 0.4-1.5 that torchvision's older .pth weights use)
/// without Python and without executing anything the file names.
/// </summary>
public static class PthCheckpoint
{
    /// <summary>Wrapper keys tried, in order, when a checkpoint is a dict holding the state dict rather than the state dict itself.</summary>
    public static IReadOnlyList<string> WrapperKeys { get; } = ["state_dict", "model_state_dict", "model", "net"];

    /// <summary>
    /// Loads the state dict of a checkpoint onto <paramref name="device"/> (CPU by default): the
    /// top-level dict when its values are tensors, else the one of <see cref="WrapperKeys"/> it holds.
    /// </summary>
    public static TensorDictionary Load(string path, Device? device = null) => LoadStateDict(path, null, device);

    /// <summary>
    /// Loads the tensor dict stored under <paramref name="key"/> (nested keys separated by '/',
    /// e.g. "model/encoder"), or, when it is null, as <see cref="Load"/> does.
    /// </summary>
    public static TensorDictionary LoadStateDict(string path, string? key = null, Device? device = null)
    {
        using var archive = CheckpointSource.Open(path);
        var root = archive.ReadPickle();
        var (stateDict, where) = Select(root, key, path);
        var entries = TensorEntries(stateDict, where, path);
        return Materialize(archive, entries, device, path);
    }

    private static (PickleDict Dict, string Where) Select(object? root, string? key, string path)
    {
        if (key != null)
        {
            var current = root;
            var where = "";
            foreach (var part in key.Split('/'))
            {
                if (current is not PickleDict dict)
                    throw new CaptioningException($"'{path}': cannot look up '{part}' in {(where.Length == 0 ? "the checkpoint" : $"'{where}'")}, which is {PickleValues.Describe(current)}, not a dict");
                where = where.Length == 0 ? part : $"{where}/{part}";
                if (!dict.TryGet(part, out current))
                    throw new CaptioningException($"'{path}': no key '{where}' in the checkpoint; available keys there: {KeyList(dict)}");
            }
            return current is PickleDict found
                ? (found, where)
                : throw new CaptioningException($"'{path}': key '{where}' holds {PickleValues.Describe(current)}, not a state dict");
        }

        if (root is not PickleDict top)
            throw new CaptioningException($"'{path}': the checkpoint holds {PickleValues.Describe(root)}, not a state dict; save one with torch.save(model.state_dict(), path)");
        if (top.Items.All(kv => kv.Value is PickledTensor)) return (top, "");
        foreach (var wrapper in WrapperKeys)
        {
            if (top.TryGet(wrapper, out var inner) && inner is PickleDict dict && dict.Items.All(kv => kv.Value is PickledTensor))
                return (dict, wrapper);
        }
        var offender = top.Items.First(kv => kv.Value is not PickledTensor);
        throw new CaptioningException(
            $"'{path}': the checkpoint is not a flat state dict (key '{offender.Key}' holds {PickleValues.Describe(offender.Value)}) and has none of the keys {string.Join(", ", WrapperKeys)}; " +
            $"pass the key of the state dict, one of: {KeyList(top)}");
    }

    private static List<(string Name, PickledTensor Tensor)> TensorEntries(PickleDict dict, string where, string path)
    {
        var result = new List<(string, PickledTensor)>(dict.Count);
        foreach (var (key, value) in dict.Items)
        {
            var name = key as string ?? throw new CaptioningException($"'{path}': state dict{At(where)} has a key {PickleValues.Describe(key)}; state-dict keys are strings");
            var tensor = value as PickledTensor ?? throw new CaptioningException($"'{path}': state dict{At(where)} entry '{name}' holds {PickleValues.Describe(value)}, not a tensor");
            result.Add((name, tensor));
        }
        return result;
    }

    /// <summary>Reads each storage once (in order of first use) and cuts every tensor that views it, so a shared storage is never read twice.</summary>
    private static TensorDictionary Materialize(ICheckpointSource archive, List<(string Name, PickledTensor Tensor)> entries, Device? device, string path)
    {
        var built = new Tensor?[entries.Count];
        try
        {
            foreach (var group in entries.Select((e, i) => (e.Name, e.Tensor, Index: i)).GroupBy(e => e.Tensor.Storage.Key, StringComparer.Ordinal))
            {
                var storage = group.First().Tensor.Storage;
                var bytes = archive.ReadStorage(storage);
                foreach (var (name, tensor, index) in group)
                    built[index] = Build(name, tensor, bytes, device, path);
            }
            var result = new TensorDictionary();
            for (var i = 0; i < entries.Count; i++)
            {
                result.Add(entries[i].Name, built[i]!);
                built[i] = null;
            }
            return result;
        }
        finally
        {
            foreach (var tensor in built) tensor?.Dispose();
        }
    }

    private static Tensor Build(string name, PickledTensor t, byte[] storage, Device? device, string path)
    {
        var elementSize = t.Storage.DType.ElementSize();
        if (storage.Length != t.Storage.NumEl * elementSize)
            throw new CaptioningException($"'{path}': tensor '{name}' uses storage '{t.Storage.Key}' declared with {t.Storage.NumEl} elements but its data holds {storage.Length} bytes");
        long extent;
        try
        {
            extent = StridedView.Extent(t.Offset, t.Size, t.Stride);
        }
        catch (OverflowException)
        {
            throw new CaptioningException($"'{path}': tensor '{name}' has sizes [{string.Join(", ", t.Size)}] and strides [{string.Join(", ", t.Stride)}] that overflow 64 bits");
        }
        if (extent > t.Storage.NumEl)
            throw new CaptioningException($"'{path}': tensor '{name}' (offset {t.Offset}, sizes [{string.Join(", ", t.Size)}], strides [{string.Join(", ", t.Stride)}]) reads past the end of storage '{t.Storage.Key}' of {t.Storage.NumEl} elements");
        var numel = t.Size.Aggregate(1L, (n, s) => n * s);
        if (numel == 0) return Tensor.FromBytes([], t.Storage.DType, t.Size, device);
        if (StridedView.IsContiguous(t.Size, t.Stride))
            return Tensor.FromBytes(storage.AsSpan((int)(t.Offset * elementSize), (int)(numel * elementSize)), t.Storage.DType, t.Size, device);
        var gathered = StridedView.Gather(storage, elementSize, t.Offset, t.Size, t.Stride);
        return Tensor.FromBytes(gathered, t.Storage.DType, t.Size, device);
    }

    private static string At(string where) => where.Length == 0 ? "" : $" '{where}'";

    private static string KeyList(PickleDict dict)
    {
        var keys = dict.Items.Take(20).Select(kv => $"'{kv.Key}' ({PickleValues.Describe(kv.Value)})");
        return string.Join(", ", keys) + (dict.Count > 20 ? $", ... ({dict.Count} in all)" : "");
    }
}
