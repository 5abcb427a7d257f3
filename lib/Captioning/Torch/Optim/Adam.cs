namespace Captioning.Torch.Optim;

/// <summary>
/// Adam (Kingma and Ba) exactly as torch.optim.Adam updates, with L2 weight decay added to the
/// gradient; <see cref="AdamW"/> decouples the decay instead.
/// </summary>
public class Adam(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
    double eps = 1e-8, double weightDecay = 0) : Optimizer(parameters, learningRate)
{
    /// <summary>Decay of the first-moment average.</summary>
    public double Beta1 { get; } = beta1;

    /// <summary>Decay of the second-moment average.</summary>
    public double Beta2 { get; } = beta2;

    /// <summary>Added to the denominator.</summary>
    public double Eps { get; } = eps;

    /// <summary>Weight decay coefficient.</summary>
    public double WeightDecay { get; } = weightDecay;

    /// <summary>True for AdamW's decoupled decay.</summary>
    protected virtual bool Decoupled => false;

    /// <inheritdoc/>
    protected override void Update(Tensor parameter, Tensor grad, Dictionary<string, Tensor> parameterState)
    {
        var step = Counter(parameterState, "step", 1);
        var expAvg = StateTensor(parameterState, "exp_avg", parameter);
        var expAvgSq = StateTensor(parameterState, "exp_avg_sq", parameter);
        if (WeightDecay != 0)
        {
            if (Decoupled) parameter.Mul_(1 - LearningRate * WeightDecay);
            else grad = grad.Add(parameter, WeightDecay);
        }
        expAvg.Mul_(Beta1).Add_(grad, 1 - Beta1);
        expAvgSq.Mul_(Beta2).AddCMul_(grad, grad, 1 - Beta2);
        var biasCorrection1 = 1 - Math.Pow(Beta1, step);
        var biasCorrection2 = 1 - Math.Pow(Beta2, step);
        var stepSize = LearningRate / biasCorrection1;
        var denom = expAvgSq.Sqrt();
        denom.Mul_(1 / Math.Sqrt(biasCorrection2)).Add_(Eps);
        parameter.AddCDiv_(expAvg, denom, -stepSize);
    }
}

/// <summary>AdamW (Loshchilov and Hutter): Adam with weight decay applied to the parameter directly.</summary>
public sealed class AdamW(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
    double eps = 1e-8, double weightDecay = 1e-2) : Adam(parameters, learningRate, beta1, beta2, eps, weightDecay)
{
    /// <inheritdoc/>
    protected override bool Decoupled => true;
}

/// <summary>Stochastic gradient descent with optional momentum, dampening, Nesterov and weight decay (torch.optim.SGD).</summary>
public sealed class SGD(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0, double dampening = 0,
    double weightDecay = 0, bool nesterov = false) : Optimizer(parameters, learningRate)
{
    /// <inheritdoc/>
    protected override void Update(Tensor parameter, Tensor grad, Dictionary<string, Tensor> parameterState)
    {
        if (weightDecay != 0) grad = grad.Add(parameter, weightDecay);
        if (momentum != 0)
        {
            var first = !parameterState.ContainsKey("momentum_buffer");
            var buffer = StateTensor(parameterState, "momentum_buffer", parameter);
            if (first) buffer.Copy_(grad);
            else buffer.Mul_(momentum).Add_(grad, 1 - dampening);
            grad = nesterov ? grad.Add(buffer, momentum) : buffer;
        }
        parameter.Add_(grad, -LearningRate);
    }
}
