namespace Captioning.Torch;

/// <summary>
/// Frees every tensor created on this thread while the scope is the innermost one, except those
/// moved out with <see cref="Tensor.MoveToOuterScope"/> or detached with <see cref="Tensor.DetachFromScope"/>.
/// </summary>
/// <example><code>
/// using (var scope = DisposeScope.Enter())
/// {
///     var loss = model.Forward(x).Sum();   // temporaries die with the scope
///     result = loss.MoveToOuterScope();
/// }
/// </code></example>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? current;

    private readonly DisposeScope? parent;
    private readonly List<Tensor> owned = new();
    private bool disposed;

    private DisposeScope(DisposeScope? parent) => this.parent = parent;

    /// <summary>The innermost scope of this thread, or null.</summary>
    public static DisposeScope? Current => current;

    /// <summary>Opens a scope nested in the current one.</summary>
    public static DisposeScope Enter() => current = new DisposeScope(current);

    /// <summary>How many tensors the scope will free.</summary>
    public int Count => owned.Count(t => t.Scope == this && !t.IsDisposed);

    internal static void Register(Tensor tensor)
    {
        var scope = current;
        if (scope == null) return;
        tensor.Scope = scope;
        scope.owned.Add(tensor);
    }

    internal void MoveToParent(Tensor tensor)
    {
        tensor.Scope = parent;
        parent?.owned.Add(tensor);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var tensor in owned)
        {
            if (tensor.Scope == this) tensor.Dispose();
        }
        owned.Clear();
        if (current == this) current = parent;
    }
}

/// <summary>Disables autograd recording on this thread until disposed (torch.no_grad()).</summary>
public readonly struct NoGradScope : IDisposable
{
    private readonly bool previous;

    private NoGradScope(bool previous) => this.previous = previous;

    /// <summary>Turns gradient recording off; the previous state returns on dispose.</summary>
    public static NoGradScope Enter()
    {
        var previous = NativeMethods.cap_grad_is_enabled() != 0;
        NativeMethods.cap_grad_set_enabled(0);
        return new NoGradScope(previous);
    }

    /// <inheritdoc/>
    public void Dispose() => NativeMethods.cap_grad_set_enabled(previous ? 1 : 0);
}
