using System.Globalization;

namespace Captioning.Torch.Optim;

/// <summary>
/// Base of the optimisers: a parameter list, a learning rate, and per-parameter state tensors
/// that can be saved and restored (so training resumes exactly).
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly List<Dictionary<string, Tensor>> state;

    /// <summary>Takes the parameters to update (not owned) and the learning rate.</summary>
    protected Optimizer(IEnumerable<Tensor> parameters, double learningRate)
    {
        Parameters = parameters.ToList();
        if (Parameters.Count == 0) throw new ArgumentException("an optimiser needs at least one parameter");
        if (learningRate < 0) throw new ArgumentOutOfRangeException(nameof(learningRate), "learning rate must be >= 0");
        LearningRate = learningRate;
        state = Parameters.Select(_ => new Dictionary<string, Tensor>()).ToList();
    }

    /// <summary>The parameters updated by <see cref="Step"/>.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>Current learning rate (schedulers change it).</summary>
    public double LearningRate { get; set; }

    /// <summary>Updates steps taken by this optimiser.</summary>
    public long StepCount { get; private set; }

    /// <summary>Applies one update from the parameters' accumulated gradients; parameters without a gradient are skipped.</summary>
    public void Step()
    {
        StepCount++;
        using var scope = DisposeScope.Enter();
        using var noGrad = NoGradScope.Enter();
        for (var i = 0; i < Parameters.Count; i++)
        {
            var grad = Parameters[i].Grad;
            if (grad == null) continue;
            Update(Parameters[i], grad, state[i]);
        }
    }

    /// <summary>Updates one parameter in place; runs inside a dispose scope with autograd off.</summary>
    protected abstract void Update(Tensor parameter, Tensor grad, Dictionary<string, Tensor> parameterState);

    /// <summary>Creates (once) a zero state tensor shaped like <paramref name="like"/>, owned by the optimiser.</summary>
    protected static Tensor StateTensor(Dictionary<string, Tensor> parameterState, string name, Tensor like)
    {
        if (parameterState.TryGetValue(name, out var existing)) return existing;
        var created = Tensor.Zeros(like.Shape, like.DType, like.Device).DetachFromScope();
        parameterState[name] = created;
        return created;
    }

    /// <summary>A per-parameter scalar kept as a float64 tensor, so it is saved with the rest of the state.</summary>
    protected static double Counter(Dictionary<string, Tensor> parameterState, string name, double increment)
    {
        if (!parameterState.TryGetValue(name, out var counter))
        {
            counter = Tensor.Zeros([], DType.Float64).DetachFromScope();
            parameterState[name] = counter;
        }
        counter.Add_(increment);
        return counter.Item();
    }

    /// <summary>Drops every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.ZeroGrad();
    }

    /// <summary>The state tensors as "state.{index}.{name}" (owned by the optimiser) plus "lr" and "steps".</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var result = new SortedDictionary<string, Tensor>(StringComparer.Ordinal);
        for (var i = 0; i < state.Count; i++)
        foreach (var (name, tensor) in state[i])
            result[string.Create(CultureInfo.InvariantCulture, $"state.{i}.{name}")] = tensor;
        return result;
    }

    /// <summary>Scalars saved beside the state tensors.</summary>
    public IReadOnlyDictionary<string, string> StateMetadata() => new Dictionary<string, string>
    {
        ["lr"] = LearningRate.ToString("R", CultureInfo.InvariantCulture),
        ["steps"] = StepCount.ToString(CultureInfo.InvariantCulture),
        ["parameters"] = Parameters.Count.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Restores what <see cref="StateDict"/> and <see cref="StateMetadata"/> saved (copies values).</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        if (metadata.TryGetValue("parameters", out var n) && int.Parse(n, CultureInfo.InvariantCulture) != Parameters.Count)
            throw new CaptioningException($"optimiser state was saved for {n} parameters but this model has {Parameters.Count}");
        foreach (var (key, value) in tensors)
        {
            var parts = key.Split('.', 3);
            if (parts.Length != 3 || parts[0] != "state" || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var index) || index < 0 || index >= state.Count)
                throw new CaptioningException($"optimiser state key '{key}' is not of the form state.<index>.<name> for {state.Count} parameters");
            if (state[index].TryGetValue(parts[2], out var old)) old.Dispose();
            state[index][parts[2]] = value.Clone().DetachFromScope();
        }
        if (metadata.TryGetValue("lr", out var lr)) LearningRate = double.Parse(lr, CultureInfo.InvariantCulture);
        if (metadata.TryGetValue("steps", out var steps)) StepCount = long.Parse(steps, CultureInfo.InvariantCulture);
    }

    /// <summary>Frees the state tensors (not the parameters).</summary>
    public void Dispose()
    {
        foreach (var s in state)
        foreach (var t in s.Values) t.Dispose();
        state.ForEach(s => s.Clear());
        GC.SuppressFinalize(this);
    }
}
