using System.Collections;
using Captioning.Weights.Pickle;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Captioning.Weights;

/// <summary>
/// Reads state dicts from PyTorch checkpoints (<c>torch.save</c> files: the zip format of torch 1.6
/// and later, and the legacy pickle format of torch 0.4-1.5 that torchvision's older .pth weights use)
/// without Python and without executing anything the file names.
/// </summary>
/// <remarks>
/// Every file first goes through our restricted unpickler (<see cref="PickleReader"/>): a pickle that names any
/// global outside <see cref="TorchPickleGlobals"/>' state-dict whitelist is refused there, before anything else
/// reads it. Only then does a zip checkpoint go to TorchSharp.PyBridge (<c>PyTorchUnpickler.UnpickleStateDict</c>),
/// from the same open stream, so it reads the very bytes that were checked, and only when it reads them as we do
/// (<see cref="PthArchive.PyBridgeReadsAsChecked"/>). PyBridge does not read the legacy format, returns dicts
/// unordered, cannot rebuild strided views or parameters and names neither file nor key in its errors, so legacy
/// files, checkpoints holding such tensors and every damaged file are materialised here from the checked
/// description, with the messages this reader always gave.
/// </remarks>
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
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new CaptioningException($"PyTorch checkpoint '{path}' does not exist");
        // One stream for the check and the read, so a file replaced in between cannot slip past the check.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        List<string> route;
        List<(string Name, PickledTensor Tensor)> entries;
        using (var source = CheckpointSource.Open(stream, path))
        {
            var root = source.ReadPickle();
            var (stateDict, keys) = Select(root, key, path);
            route = keys;
            entries = TensorEntries(stateDict, string.Join('/', keys), path);
            if (source is not PthArchive archive || !archive.PyBridgeReadsAsChecked(AllTensors(root)))
                return Materialize(source, entries, device, path);
        }
        return LoadWithPyBridge(stream, route, entries, device, path);
    }

    /// <summary>
    /// Reads a checked zip checkpoint with TorchSharp.PyBridge and keeps the tensors of the selected state dict,
    /// in the pickle's order (PyBridge's dicts are unordered hashtables).
    /// </summary>
    private static TensorDictionary LoadWithPyBridge(FileStream stream, List<string> route, List<(string Name, PickledTensor Tensor)> entries,
        Device? device, string path)
    {
        // PyBridge makes a scratch tensor per tensor and reads every tensor of the file, wrappers' included: the
        // scope frees all of them but those the dictionary takes (TensorDictionary.Add detaches them).
        using var scope = NewDisposeScope();
        Hashtable selected;
        try
        {
            stream.Position = 0;
            selected = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true);
            foreach (var key in route) selected = (Hashtable)selected[key]!;
        }
        catch (Exception e) when (e is not CaptioningException and not OutOfMemoryException)
        {
            throw new CaptioningException($"'{path}': TorchSharp.PyBridge could not read the checkpoint after it passed the pickle check ({e.GetType().Name}: {e.Message})", e);
        }
        var result = new TensorDictionary();
        try
        {
            var taken = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
            foreach (var (name, pickled) in entries)
            {
                var tensor = (Tensor)selected[name]!;
                if (tensor.dtype != pickled.Storage.DType || !tensor.shape.SequenceEqual(pickled.Size))
                    throw new CaptioningException($"'{path}': TorchSharp.PyBridge read tensor '{name}' as {tensor.dtype} [{string.Join(", ", tensor.shape)}], but its pickle declares {pickled.Storage.DType} [{string.Join(", ", pickled.Size)}]");
                // A tensor pickled once and named twice comes back as one object; each name owns its own, as Materialize does.
                var own = taken.Add(tensor) ? tensor : tensor.clone();
                result.Add(name, device is null || device.type == DeviceType.CPU ? own : own.to(device));
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>Every tensor the pickle describes, wherever it sits (PyBridge rebuilds them all, not only the selected state dict's).</summary>
    internal static List<PickledTensor> AllTensors(object? root)
    {
        var found = new List<PickledTensor>();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<object?>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var value = pending.Pop();
            if (value == null || !seen.Add(value)) continue;
            switch (value)
            {
                case PickledTensor tensor: found.Add(tensor); break;
                case PickleDict dict:
                    foreach (var (_, item) in dict.Items) pending.Push(item);
                    foreach (var (_, attribute) in dict.Attributes) pending.Push(attribute);
                    break;
                case List<object?> list: foreach (var item in list) pending.Push(item); break;
                case object?[] tuple: foreach (var item in tuple) pending.Push(item); break;
            }
        }
        return found;
    }

    private static (PickleDict Dict, List<string> Keys) Select(object? root, string? key, string path)
    {
        if (key != null)
        {
            var current = root;
            var keys = new List<string>();
            foreach (var part in key.Split('/'))
            {
                var where = string.Join('/', keys);
                if (current is not PickleDict dict)
                    throw new CaptioningException($"'{path}': cannot look up '{part}' in {(where.Length == 0 ? "the checkpoint" : $"'{where}'")}, which is {PickleValues.Describe(current)}, not a dict");
                keys.Add(part);
                if (!dict.TryGet(part, out current))
                    throw new CaptioningException($"'{path}': no key '{string.Join('/', keys)}' in the checkpoint; available keys there: {KeyList(dict)}");
            }
            return current is PickleDict found
                ? (found, keys)
                : throw new CaptioningException($"'{path}': key '{string.Join('/', keys)}' holds {PickleValues.Describe(current)}, not a state dict");
        }

        if (root is not PickleDict top)
            throw new CaptioningException($"'{path}': the checkpoint holds {PickleValues.Describe(root)}, not a state dict; save one with torch.save(model.state_dict(), path)");
        if (top.Items.All(kv => kv.Value is PickledTensor)) return (top, []);
        foreach (var wrapper in WrapperKeys)
        {
            if (top.TryGet(wrapper, out var inner) && inner is PickleDict dict && dict.Items.All(kv => kv.Value is PickledTensor))
                return (dict, [wrapper]);
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
        if (numel == 0) return TensorBytes.FromBytes([], t.Storage.DType, t.Size, device);
        if (StridedView.IsContiguous(t.Size, t.Stride))
            return TensorBytes.FromBytes(storage.AsSpan((int)(t.Offset * elementSize), (int)(numel * elementSize)), t.Storage.DType, t.Size, device);
        var gathered = StridedView.Gather(storage, elementSize, t.Offset, t.Size, t.Stride);
        return TensorBytes.FromBytes(gathered, t.Storage.DType, t.Size, device);
    }

    private static string At(string where) => where.Length == 0 ? "" : $" '{where}'";

    private static string KeyList(PickleDict dict)
    {
        var keys = dict.Items.Take(20).Select(kv => $"'{kv.Key}' ({PickleValues.Describe(kv.Value)})");
        return string.Join(", ", keys) + (dict.Count > 20 ? $", ... ({dict.Count} in all)" : "");
    }
}
