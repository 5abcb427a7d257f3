using System.Buffers.Binary;
using Captioning.Weights.Pickle;
using TorchSharp;

namespace Captioning.Weights;

/// <summary>
/// The storages of a legacy checkpoint: the root storages and views its persistent ids declare,
/// and where each root's data lies in the file once <see cref="LocateData"/> has walked the table.
/// </summary>
internal sealed class LegacyStorages(string path)
{
    private readonly Dictionary<string, StorageRef> roots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (StorageRef Root, long Offset, StorageRef View)> views = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> dataOffsets = new(StringComparer.Ordinal);
    private List<string> order = [];

    /// <summary>
    /// Resolves a persistent id <c>('storage', type, root_key, location, numel, view_metadata)</c>, where
    /// view_metadata is None or <c>(view_key, offset, view_size)</c> counted in elements of the root.
    /// </summary>
    public object? PersistentLoad(object? pid)
    {
        if (pid is object?[] { Length: > 0 } m && m[0] is "module")
            throw Bad($"the checkpoint pickles a whole module ({PickleValues.Describe(m.Length > 1 ? m[1] : null)}); save its state dict instead: torch.save(model.state_dict(), path)");
        if (pid is not object?[] { Length: 6 } t || t[0] is not "storage")
            throw Bad($"unsupported persistent id {PickleValues.Describe(pid)}; expected ('storage', type, key, location, numel, view)");
        if (t[1] is not PickleGlobal type || TorchPickleGlobals.StorageDType(type) is not { } dtype)
            throw Bad($"persistent id names storage type {PickleValues.Describe(t[1])}, expected a torch *Storage class");
        if (t[2] is not string key || key.Length == 0) throw Bad($"persistent id has storage key {PickleValues.Describe(t[2])}, expected a non-empty string");
        if (t[3] is not string location) throw Bad($"storage '{key}' has location {PickleValues.Describe(t[3])}, expected a string");
        if (t[4] is not long numel || numel < 0) throw Bad($"storage '{key}' has element count {PickleValues.Describe(t[4])}");
        var root = new StorageRef(key, dtype, numel, location);
        if (roots.TryGetValue(key, out var known))
        {
            if (known.DType != dtype || known.NumEl != numel)
                throw Bad($"storage '{key}' is declared as {known.NumEl} {known.DType} elements and again as {numel} {dtype} elements");
            root = known;
        }
        else
        {
            if (views.ContainsKey(key)) throw Bad($"storage key '{key}' names both a view and a root storage");
            roots.Add(key, root);
        }
        return t[5] is null ? root : View(root, t[5]);
    }

    private StorageRef View(StorageRef root, object? metadata)
    {
        if (metadata is not object?[] { Length: 3 } v || v[0] is not string viewKey || v[1] is not long offset || v[2] is not long size || offset < 0 || size < 0)
            throw Bad($"storage '{root.Key}' has view metadata {PickleValues.Describe(metadata)}, expected (view_key, offset, size) with non-negative ints");
        if (offset > root.NumEl - size)
            throw Bad($"view '{viewKey}' of {size} elements at offset {offset} runs past the end of storage '{root.Key}' of {root.NumEl} elements");
        if (roots.ContainsKey(viewKey)) throw Bad($"storage key '{viewKey}' names both a view and a root storage");
        if (views.TryGetValue(viewKey, out var known))
        {
            if (known.Root != root || known.Offset != offset || known.View.NumEl != size)
                throw Bad($"view '{viewKey}' is declared twice with different roots, offsets or sizes");
            return known.View;
        }
        var view = new StorageRef(viewKey, root.DType, size, root.Location);
        views.Add(viewKey, (root, offset, view));
        return view;
    }

    /// <summary>Takes the pickled list of root keys, in the order their data follows the pickles.</summary>
    public void SetOrder(List<object?> keys)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (key is not string name) throw Bad($"the storage key list holds {PickleValues.Describe(key)}, expected strings");
            if (!roots.ContainsKey(name)) throw Bad($"the storage key list names '{name}', which no tensor of the pickle uses");
            if (!seen.Add(name)) throw Bad($"the storage key list names '{name}' twice");
        }
        var missing = roots.Keys.FirstOrDefault(k => !seen.Contains(k));
        if (missing != null) throw Bad($"storage '{missing}' is used by the pickle but missing from the storage key list");
        order = keys.Cast<string>().ToList();
    }

    /// <summary>Walks the storage records that follow the pickles, checking each element count and that the file holds every byte.</summary>
    public void LocateData(FileStream stream, long start)
    {
        var length = stream.Length;
        var position = start;
        var header = new byte[8];
        foreach (var key in order)
        {
            var root = roots[key];
            if (position > length - 8)
                throw Bad($"the file ends at byte {length}, before the element count of storage '{key}' at byte {position}; it is truncated");
            stream.Position = position;
            stream.ReadExactly(header);
            var count = BinaryPrimitives.ReadInt64LittleEndian(header);
            if (count != root.NumEl)
                throw Bad($"storage '{key}' at byte {position} holds {count} elements but the pickle declares {root.NumEl} {root.DType} elements");
            var bytes = root.NumEl * root.DType.ElementSize();
            if (bytes > length - position - 8)
                throw Bad($"storage '{key}' needs {bytes} bytes from byte {position + 8} but the file ends at byte {length}; it is truncated");
            dataOffsets[key] = position + 8;
            position += 8 + bytes;
        }
    }

    /// <summary>The file offset and byte count of a root storage or of a view into one.</summary>
    public (long Offset, int Count) Locate(StorageRef storage)
    {
        var (root, elementOffset) = views.TryGetValue(storage.Key, out var view) ? (view.Root, view.Offset) : (storage, 0L);
        if (!dataOffsets.TryGetValue(root.Key, out var start))
            throw Bad($"storage '{storage.Key}' was never declared by the pickle");
        var size = storage.DType.ElementSize();
        var bytes = storage.NumEl * size;
        if (bytes > Array.MaxLength) throw Bad($"storage '{storage.Key}' holds {bytes} bytes; storages over 2 GiB are not supported");
        return (start + elementOffset * size, (int)bytes);
    }

    private CaptioningException Bad(string message) => new($"'{path}': {message}");
}
