using static TorchSharp.torch;

namespace Captioning.Weights.Pickle;

/// <summary>A whitelisted Python global (class or function) named by a pickle; it is only a name, never executed.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module} {Name}";
}

/// <summary>
/// A Python dict or OrderedDict rebuilt from a pickle, keeping insertion order; attributes set
/// through BUILD (such as a state dict's <c>_metadata</c>) are kept apart from the items.
/// </summary>
internal sealed class PickleDict
{
    private readonly List<KeyValuePair<object, object?>> items = new();
    private readonly Dictionary<object, int> index = new();

    public int Count => items.Count;

    public IReadOnlyList<KeyValuePair<object, object?>> Items => items;

    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);

    /// <summary>Sets an item as Python does: a repeated key keeps its first position and takes the new value.</summary>
    public void Set(object key, object? value)
    {
        if (index.TryGetValue(key, out var i)) items[i] = new KeyValuePair<object, object?>(key, value);
        else
        {
            index.Add(key, items.Count);
            items.Add(new KeyValuePair<object, object?>(key, value));
        }
    }

    public bool TryGet(object key, out object? value)
    {
        if (index.TryGetValue(key, out var i))
        {
            value = items[i].Value;
            return true;
        }
        value = null;
        return false;
    }
}

/// <summary>A storage named by a persistent id: <paramref name="NumEl"/> elements of <paramref name="DType"/>, in the zip entry <c>data/&lt;Key&gt;</c> or, in a legacy file, a root storage record or a view into one.</summary>
internal sealed record StorageRef(string Key, ScalarType DType, long NumEl, string Location);

/// <summary>A tensor described by <c>_rebuild_tensor_v2</c>: a strided view into a storage, not yet read from the zip.</summary>
internal sealed record PickledTensor(StorageRef Storage, long Offset, long[] Size, long[] Stride)
{
    /// <summary>The torch._utils function that built it: _rebuild_tensor_v2, the older _rebuild_tensor, or _rebuild_parameter around a v2 tensor.</summary>
    public string Rebuilder { get; init; } = "_rebuild_tensor_v2";
}

/// <summary>Python type names for error messages about unexpected values.</summary>
internal static class PickleValues
{
    public static string Describe(object? value) => value switch
    {
        null => "None",
        string s => $"str '{(s.Length > 40 ? s[..40] + "..." : s)}'",
        long n => $"int {n}",
        double d => $"float {d}",
        bool b => b ? "True" : "False",
        object?[] t => $"tuple of {t.Length}",
        List<object?> l => $"list of {l.Count}",
        PickleDict d => $"dict of {d.Count}",
        PickledTensor t => $"tensor [{string.Join(", ", t.Size)}] {t.Storage.DType}",
        StorageRef s => $"storage {s.Key}",
        byte[] b => $"bytes of {b.Length}",
        PickleGlobal g => $"global {g}",
        _ => value.GetType().Name,
    };
}
