namespace Captioning.Torch.NN;

/// <summary>
/// Base of every layer: named parameters, buffers and child modules whose dotted names equal
/// PyTorch's state_dict keys, train/eval mode, and strict state-dict loading.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<(string Name, Tensor Value)> parameters = new();
    private readonly List<(string Name, Tensor Value)> buffers = new();
    private readonly List<(string Name, Module Value)> children = new();
    private bool disposed;

    /// <summary>True in training mode (dropout active, batch norm uses batch statistics).</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Registers a learnable tensor under <paramref name="name"/>; the module owns and disposes it.</summary>
    protected Tensor RegisterParameter(string name, Tensor value)
    {
        CheckName(name);
        value.DetachFromScope();
        if (!value.RequiresGrad) value.RequiresGrad = true;
        parameters.Add((name, value));
        return value;
    }

    /// <summary>Registers a non-learnable state tensor (running statistics); saved in the state dict.</summary>
    protected Tensor RegisterBuffer(string name, Tensor value)
    {
        CheckName(name);
        buffers.Add((name, value.DetachFromScope()));
        return value;
    }

    /// <summary>Registers a child module under <paramref name="name"/>.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        children.Add((name, module));
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.')) throw new ArgumentException($"invalid member name '{name}'");
        if (parameters.Any(p => p.Name == name) || buffers.Any(b => b.Name == name) || children.Any(c => c.Name == name))
            throw new ArgumentException($"member '{name}' registered twice in {GetType().Name}");
    }

    /// <summary>Direct children in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => children.Select(c => (c.Name, c.Value));

    /// <summary>Every parameter of this module and its descendants, with dotted names.</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters(string prefix = "")
    {
        foreach (var (name, value) in parameters) yield return (prefix + name, value);
        foreach (var (name, child) in children)
        foreach (var item in child.NamedParameters(prefix + name + ".")) yield return item;
    }

    /// <summary>Every buffer of this module and its descendants, with dotted names.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(string prefix = "")
    {
        foreach (var (name, value) in buffers) yield return (prefix + name, value);
        foreach (var (name, child) in children)
        foreach (var item in child.NamedBuffers(prefix + name + ".")) yield return item;
    }

    /// <summary>The learnable tensors, in a stable order (for optimisers).</summary>
    public IReadOnlyList<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter).ToList();

    /// <summary>Total number of learnable scalars.</summary>
    public long ParameterCount() => NamedParameters().Sum(p => p.Parameter.NumEl);

    /// <summary>
    /// Parameters then buffers of every module, in PyTorch's state_dict order (each module's own
    /// parameters and buffers before its children's). The tensors belong to the module.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> StateDict(string prefix = "")
    {
        var result = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, value) in parameters) result.Add(new(prefix + name, value));
        foreach (var (name, value) in buffers) result.Add(new(prefix + name, value));
        foreach (var (name, child) in children) result.AddRange(child.StateDict(prefix + name + "."));
        return result;
    }

    /// <summary>
    /// Copies values from <paramref name="source"/> into this module's tensors. With
    /// <paramref name="strict"/>, every missing, unexpected or mis-shaped key is listed in one
    /// <see cref="CaptioningException"/> and nothing is copied.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> source, bool strict = true, string? sourceName = null)
    {
        var own = StateDict();
        var missing = new List<string>();
        var misShaped = new List<string>();
        var ownNames = new HashSet<string>();
        foreach (var (name, tensor) in own)
        {
            ownNames.Add(name);
            if (!source.TryGetValue(name, out var value))
            {
                missing.Add(name);
                continue;
            }
            var expected = tensor.Shape;
            var got = value.Shape;
            if (!expected.SequenceEqual(got)) misShaped.Add($"{name}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", got)}]");
        }
        var unexpected = source.Keys.Where(k => !ownNames.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (misShaped.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
        {
            var lines = new List<string>();
            if (missing.Count > 0) lines.Add($"missing keys ({missing.Count}): {string.Join(", ", missing)}");
            if (unexpected.Count > 0) lines.Add($"unexpected keys ({unexpected.Count}): {string.Join(", ", unexpected)}");
            if (misShaped.Count > 0) lines.Add($"shape mismatches ({misShaped.Count}): {string.Join("; ", misShaped)}");
            var what = sourceName == null ? "state dict" : $"weights '{sourceName}'";
            throw new CaptioningException($"{what} do not fit {GetType().Name}: {string.Join(". ", lines)}");
        }
        using var noGrad = NoGradScope.Enter();
        foreach (var (name, tensor) in own)
        {
            if (source.TryGetValue(name, out var value)) tensor.Copy_(value);
        }
    }

    /// <summary>Sets training mode on this module and every descendant.</summary>
    public Module Train(bool on = true)
    {
        Training = on;
        foreach (var (_, child) in children) child.Train(on);
        return this;
    }

    /// <summary>Sets evaluation mode (Train(false)).</summary>
    public Module Eval() => Train(false);

    /// <summary>Drops the gradient of every parameter.</summary>
    public void ZeroGrad()
    {
        foreach (var (_, p) in NamedParameters()) p.ZeroGrad();
    }

    /// <summary>Moves every parameter and buffer to <paramref name="device"/> in place (same Tensor objects).</summary>
    public Module To(Device device)
    {
        ReplaceAll(t => t.To(device));
        return this;
    }

    /// <summary>Converts every floating-point parameter and buffer to <paramref name="dtype"/> in place (integer buffers keep theirs).</summary>
    public Module To(DType dtype)
    {
        ReplaceAll(t => t.DType.IsFloatingPoint() ? t.To(dtype) : t.Clone());
        return this;
    }

    private void ReplaceAll(Func<Tensor, Tensor> convert)
    {
        for (var i = 0; i < parameters.Count; i++)
        {
            var old = parameters[i].Value;
            using var detached = old.Detach();
            var moved = convert(detached).DetachFromScope();
            moved.RequiresGrad = old.RequiresGrad;
            old.Dispose();
            parameters[i] = (parameters[i].Name, moved);
        }
        for (var i = 0; i < buffers.Count; i++)
        {
            var old = buffers[i].Value;
            var moved = convert(old).DetachFromScope();
            old.Dispose();
            buffers[i] = (buffers[i].Name, moved);
        }
        foreach (var (_, child) in children) child.ReplaceAll(convert);
    }

    /// <summary>The tensor registered as <paramref name="name"/> on this module (not descendants), or null.</summary>
    /// <remarks>Layers read members through this on every call because <see cref="To(Device)"/> replaces them.</remarks>
    protected Tensor? Member(string name)
    {
        foreach (var (n, v) in parameters) if (n == name) return v;
        foreach (var (n, v) in buffers) if (n == name) return v;
        return null;
    }

    /// <summary>The tensor registered as <paramref name="name"/>; throws if absent.</summary>
    protected Tensor Required(string name) => Member(name) ?? throw new InvalidOperationException($"{GetType().Name} has no member '{name}'");

    /// <summary>Frees every parameter, buffer and child.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var (_, p) in parameters) p.Dispose();
        foreach (var (_, b) in buffers) b.Dispose();
        foreach (var (_, c) in children) c.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A module with a single-input forward pass.</summary>
public abstract class Module<TIn, TOut> : Module
{
    /// <summary>Runs the layer.</summary>
    public abstract TOut Forward(TIn input);

    /// <summary>Same as <see cref="Forward"/>.</summary>
    public TOut Call(TIn input) => Forward(input);
}
