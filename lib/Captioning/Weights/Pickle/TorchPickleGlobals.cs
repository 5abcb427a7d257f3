using static TorchSharp.torch;

namespace Captioning.Weights.Pickle;

/// <summary>
/// The only Python globals a state-dict pickle may name, and what "calling" each one builds.
/// Everything is data: a call never runs code, it only assembles <see cref="PickleDict"/>,
/// <see cref="PickledTensor"/> and <see cref="StorageRef"/> values.
/// </summary>
internal static class TorchPickleGlobals
{
    private static readonly Dictionary<string, ScalarType> StorageTypes = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = ScalarType.Float32,
        ["HalfStorage"] = ScalarType.Float16,
        ["BFloat16Storage"] = ScalarType.BFloat16,
        ["DoubleStorage"] = ScalarType.Float64,
        ["LongStorage"] = ScalarType.Int64,
        ["IntStorage"] = ScalarType.Int32,
        ["ShortStorage"] = ScalarType.Int16,
        ["CharStorage"] = ScalarType.Int8,
        ["ByteStorage"] = ScalarType.Byte,
        ["BoolStorage"] = ScalarType.Bool,
    };

    /// <summary>Returns the global if it is whitelisted; otherwise throws before anything else of the pickle is read.</summary>
    public static PickleGlobal Resolve(string module, string name, string source)
    {
        var allowed = (module, name) switch
        {
            ("collections", "OrderedDict") => true,
            ("torch._utils", "_rebuild_tensor_v2" or "_rebuild_tensor" or "_rebuild_parameter") => true,
            ("torch", _) when StorageTypes.ContainsKey(name) => true,
            _ => false,
        };
        if (allowed) return new PickleGlobal(module, name);
        var why = (module, name) is ("torch.storage", "_load_from_bytes")
            ? "it unpickles a nested, unchecked pickle"
            : "it is not part of a tensor state dict and could run code";
        throw new CaptioningException(
            $"'{source}': the pickle refers to the Python global '{module} {name}', which this reader refuses because {why}; " +
            "only OrderedDict, torch storages and torch._utils tensor rebuilders are allowed. Re-save the weights as a plain state dict (torch.save(model.state_dict(), path)) or as safetensors");
    }

    /// <summary>The element type of a storage class such as <c>torch FloatStorage</c>, or null for other globals.</summary>
    public static ScalarType? StorageDType(PickleGlobal global) =>
        global.Module == "torch" && StorageTypes.TryGetValue(global.Name, out var dtype) ? dtype : null;

    /// <summary>Builds the value of <c>callable(*args)</c> for a whitelisted callable (REDUCE and NEWOBJ).</summary>
    public static object Call(PickleGlobal callable, object?[] args, string source)
    {
        switch (callable.Module, callable.Name)
        {
            case ("collections", "OrderedDict"):
                return args.Length switch
                {
                    0 => new PickleDict(),
                    // Python 2's OrderedDict.__reduce__ passes its items as one list of [key, value] pairs.
                    1 => OrderedDictFromPairs(args[0], source),
                    _ => throw Bad(source, $"OrderedDict called with {args.Length} arguments; expected none, or one list of [key, value] pairs"),
                };
            case ("torch._utils", "_rebuild_tensor_v2"):
                // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
                if (args.Length is < 6 or > 7) throw Bad(source, $"_rebuild_tensor_v2 called with {args.Length} arguments, expected 6 or 7");
                RequireEmptyHooks(args[5], source);
                return RebuildTensor(args, source);
            case ("torch._utils", "_rebuild_tensor"):
                if (args.Length != 4) throw Bad(source, $"_rebuild_tensor called with {args.Length} arguments, expected 4");
                return RebuildTensor(args, source) with { Rebuilder = callable.Name };
            case ("torch._utils", "_rebuild_parameter"):
                // (data, requires_grad, backward_hooks): a Parameter is its data for weight loading.
                if (args.Length != 3) throw Bad(source, $"_rebuild_parameter called with {args.Length} arguments, expected 3");
                RequireEmptyHooks(args[2], source);
                return args[0] is PickledTensor data
                    ? data with { Rebuilder = callable.Name }
                    : throw Bad(source, $"_rebuild_parameter expects a tensor, got {PickleValues.Describe(args[0])}");
            default:
                throw Bad(source, $"'{callable}' cannot be called (it is a type used only inside persistent ids)");
        }
    }

    /// <summary>Maps a persistent id <c>('storage', storage_type, key, location, numel)</c> to the storage it names.</summary>
    public static StorageRef PersistentLoad(object? pid, string source)
    {
        if (pid is not object?[] { Length: 5 } t || t[0] is not "storage")
            throw Bad(source, $"unsupported persistent id {PickleValues.Describe(pid)}; expected ('storage', type, key, location, numel)");
        if (t[1] is not PickleGlobal type || StorageDType(type) is not { } dtype)
            throw Bad(source, $"persistent id names storage type {PickleValues.Describe(t[1])}, expected a torch *Storage class");
        if (t[2] is not string key || key.Length == 0 || key.Contains('/') || key.Contains('\\') || key.Contains(".."))
            throw Bad(source, $"persistent id has storage key {PickleValues.Describe(t[2])}, expected a plain name");
        if (t[3] is not string location) throw Bad(source, $"storage '{key}' has location {PickleValues.Describe(t[3])}, expected a string");
        if (t[4] is not long numel || numel < 0) throw Bad(source, $"storage '{key}' has element count {PickleValues.Describe(t[4])}");
        return new StorageRef(key, dtype, numel, location);
    }

    private static PickleDict OrderedDictFromPairs(object? items, string source)
    {
        if (items is not List<object?> pairs) throw Bad(source, $"OrderedDict called with {PickleValues.Describe(items)}; expected a list of [key, value] pairs");
        var dict = new PickleDict();
        foreach (var pair in pairs)
        {
            var kv = pair switch
            {
                List<object?> { Count: 2 } l => l.ToArray(),
                object?[] { Length: 2 } t => t,
                _ => throw Bad(source, $"OrderedDict item {PickleValues.Describe(pair)} is not a [key, value] pair"),
            };
            if (kv[0] is not (string or long or bool or double))
                throw Bad(source, $"OrderedDict key {PickleValues.Describe(kv[0])} is not a string or number");
            dict.Set(kv[0]!, kv[1]);
        }
        return dict;
    }

    private static PickledTensor RebuildTensor(object?[] args, string source)
    {
        if (args[0] is not StorageRef storage) throw Bad(source, $"tensor rebuilt from {PickleValues.Describe(args[0])} instead of a storage");
        if (args[1] is not long offset || offset < 0) throw Bad(source, $"tensor in storage '{storage.Key}' has offset {PickleValues.Describe(args[1])}");
        var size = Longs(args[2], "size", storage, source);
        var stride = Longs(args[3], "stride", storage, source);
        if (size.Length != stride.Length)
            throw Bad(source, $"tensor in storage '{storage.Key}' has {size.Length} sizes but {stride.Length} strides");
        return new PickledTensor(storage, offset, size, stride);
    }

    private static long[] Longs(object? value, string what, StorageRef storage, string source)
    {
        if (value is not object?[] tuple) throw Bad(source, $"tensor in storage '{storage.Key}' has {what} {PickleValues.Describe(value)}, expected a tuple of ints");
        var result = new long[tuple.Length];
        for (var i = 0; i < tuple.Length; i++)
        {
            if (tuple[i] is not long n || n < 0) throw Bad(source, $"tensor in storage '{storage.Key}' has {what} element {PickleValues.Describe(tuple[i])}, expected a non-negative int");
            result[i] = n;
        }
        return result;
    }

    private static void RequireEmptyHooks(object? hooks, string source)
    {
        // Hooks are Python callables: a tensor that carries some cannot be represented faithfully.
        if (hooks is not null and not PickleDict { Count: 0 })
            throw Bad(source, $"a tensor carries backward hooks ({PickleValues.Describe(hooks)}); save the state dict of a model without registered hooks");
    }

    private static CaptioningException Bad(string source, string message) => new($"'{source}': {message}");
}
