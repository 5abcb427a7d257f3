using System.Collections;
using System.Diagnostics.CodeAnalysis;
using static TorchSharp.torch;

namespace Captioning.Weights;

/// <summary>
/// An insertion-ordered map from names (state-dict keys) to tensors that owns its tensors:
/// disposing the dictionary disposes every tensor still in it.
/// </summary>
public sealed class TensorDictionary : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    private readonly List<string> order = new();
    private readonly Dictionary<string, Tensor> byName = new(StringComparer.Ordinal);
    private bool disposed;

    /// <summary>Number of entries.</summary>
    public int Count => byName.Count;

    /// <summary>The names in insertion order.</summary>
    public IEnumerable<string> Keys => order;

    /// <summary>The tensors in insertion order.</summary>
    public IEnumerable<Tensor> Values => order.Select(name => byName[name]);

    /// <summary>The tensor stored under <paramref name="name"/>; a missing name throws a <see cref="KeyNotFoundException"/> naming it.</summary>
    public Tensor this[string name] =>
        byName.TryGetValue(name, out var tensor)
            ? tensor
            : throw new KeyNotFoundException($"no tensor named '{name}' (the dictionary holds {Count} tensors)");

    /// <summary>Adds a tensor the dictionary takes ownership of (it is detached from any dispose scope, so leaving the scope does not free it).</summary>
    public void Add(string name, Tensor tensor)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(tensor);
        if (byName.ContainsKey(name)) throw new ArgumentException($"a tensor named '{name}' is already in the dictionary", nameof(name));
        byName.Add(name, tensor.DetachFromDisposeScope());
        order.Add(name);
    }

    /// <summary>Removes the tensor named <paramref name="name"/> and hands ownership to the caller, who must dispose it.</summary>
    public Tensor Take(string name)
    {
        var tensor = this[name];
        byName.Remove(name);
        order.Remove(name);
        return tensor;
    }

    /// <inheritdoc/>
    public bool ContainsKey(string key) => byName.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Tensor value) => byName.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator()
    {
        foreach (var name in order) yield return new KeyValuePair<string, Tensor>(name, byName[name]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Disposes every tensor still held.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var tensor in byName.Values) tensor.Dispose();
        byName.Clear();
        order.Clear();
    }
}
