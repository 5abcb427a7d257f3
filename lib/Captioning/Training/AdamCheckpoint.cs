using System.Globalization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Captioning.Training;

/// <summary>
/// The state of TorchSharp's <see cref="Adam"/> as checkpoint tensors and metadata, in the layout run folders have
/// always stored: "state.{i}.step" (a float64 scalar), "state.{i}.exp_avg" and "state.{i}.exp_avg_sq" for the i-th
/// parameter, plus "lr", "steps" and "parameters" as metadata. Restoring it makes the next step exactly the step an
/// uninterrupted run takes.
/// </summary>
public static class AdamCheckpoint
{
    private static List<Adam.State> States(Adam optimizer) => optimizer.state_dict().State.Cast<Adam.State>().ToList();

    /// <summary>
    /// The state tensors by key. The moments are the optimiser's own tensors (read them, do not dispose them); the step
    /// counters are new CPU scalars that belong to the caller's dispose scope.
    /// </summary>
    public static Dictionary<string, Tensor> StateDict(Adam optimizer)
    {
        var result = new Dictionary<string, Tensor>();
        var states = States(optimizer);
        for (var i = 0; i < states.Count; i++)
        {
            if (states[i].step == 0) continue; // a parameter that never had a gradient has no state, as in torch
            result[Key(i, "exp_avg")] = states[i].exp_avg;
            result[Key(i, "exp_avg_sq")] = states[i].exp_avg_sq;
            result[Key(i, "step")] = tensor((double)states[i].step, ScalarType.Float64);
        }
        return result;
    }

    private static string Key(int index, string name) => string.Create(CultureInfo.InvariantCulture, $"state.{index}.{name}");

    /// <summary>The learning rate, the updates taken and the parameter count, saved beside the tensors.</summary>
    public static Dictionary<string, string> StateMetadata(Adam optimizer)
    {
        var states = States(optimizer);
        return new Dictionary<string, string>
        {
            ["lr"] = LearningRate(optimizer).ToString("R", CultureInfo.InvariantCulture),
            ["steps"] = states.Select(s => s.step).DefaultIfEmpty(0).Max().ToString(CultureInfo.InvariantCulture),
            ["parameters"] = states.Count.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The learning rate of the optimiser's (single) parameter group.</summary>
    public static double LearningRate(Adam optimizer) => optimizer.ParamGroups.First().LearningRate;

    /// <summary>Restores what <see cref="StateDict"/> and <see cref="StateMetadata"/> saved (values are copied onto the parameters' device).</summary>
    public static void LoadStateDict(Adam optimizer, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var states = States(optimizer);
        if (metadata.TryGetValue("parameters", out var n) && int.Parse(n, CultureInfo.InvariantCulture) != states.Count)
            throw new CaptioningException($"optimiser state was saved for {n} parameters but this model has {states.Count}");
        using var noGrad = no_grad();
        foreach (var (key, value) in tensors)
        {
            var parts = key.Split('.', 3);
            if (parts.Length != 3 || parts[0] != "state" || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var index) || index < 0 || index >= states.Count)
                throw new CaptioningException($"optimiser state key '{key}' is not of the form state.<index>.<name> for {states.Count} parameters");
            var state = states[index];
            switch (parts[2])
            {
                case "step":
                    state.step = (long)value.item<double>();
                    break;
                case "exp_avg":
                    CopyInto(state.exp_avg, value, key);
                    break;
                case "exp_avg_sq":
                    CopyInto(state.exp_avg_sq, value, key);
                    break;
                default:
                    throw new CaptioningException($"optimiser state key '{key}' is not an Adam state (step, exp_avg, exp_avg_sq)");
            }
        }
        if (metadata.TryGetValue("lr", out var lr))
        {
            foreach (var group in optimizer.ParamGroups) group.LearningRate = double.Parse(lr, CultureInfo.InvariantCulture);
        }
    }

    private static void CopyInto(Tensor target, Tensor value, string key)
    {
        if (!target.shape.SequenceEqual(value.shape))
            throw new CaptioningException($"optimiser state '{key}' has shape [{string.Join(", ", value.shape)}], the parameter [{string.Join(", ", target.shape)}]");
        target.copy_(value);
    }
}
