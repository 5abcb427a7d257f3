namespace Captioning.Torch.NN;

/// <summary>Layers applied in order; children are named "0", "1", ... as in torch.nn.Sequential.</summary>
public sealed class Sequential : Module<Tensor, Tensor>
{
    private readonly List<Module<Tensor, Tensor>> layers = new();

    /// <summary>Creates the chain.</summary>
    public Sequential(params Module<Tensor, Tensor>[] modules)
    {
        foreach (var m in modules) Append(m);
    }

    /// <summary>Adds a layer at the end.</summary>
    public Sequential Append(Module<Tensor, Tensor> module)
    {
        RegisterModule(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        layers.Add(module);
        return this;
    }

    /// <summary>Number of layers.</summary>
    public int Count => layers.Count;

    /// <summary>Layer <paramref name="index"/>.</summary>
    public Module<Tensor, Tensor> this[int index] => layers[index];

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        // Intermediate activations are freed as soon as the next layer has consumed them.
        var x = input;
        for (var i = 0; i < layers.Count; i++)
        {
            var next = layers[i].Forward(x);
            if (!ReferenceEquals(x, input)) x.Dispose();
            x = next;
        }
        return ReferenceEquals(x, input) ? input.Alias() : x;
    }
}

/// <summary>A list of child modules named "0", "1", ... (torch.nn.ModuleList).</summary>
public sealed class ModuleList<T> : Module where T : Module
{
    private readonly List<T> items = new();

    /// <summary>Creates the list.</summary>
    public ModuleList(params T[] modules)
    {
        foreach (var m in modules) Add(m);
    }

    /// <summary>Appends a module.</summary>
    public void Add(T module)
    {
        RegisterModule(items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        items.Add(module);
    }

    /// <summary>Number of modules.</summary>
    public int Count => items.Count;

    /// <summary>Module <paramref name="index"/>.</summary>
    public T this[int index] => items[index];
}
