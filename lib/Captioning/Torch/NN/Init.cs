namespace Captioning.Torch.NN;

/// <summary>PyTorch's default initialisers, drawn from the seeded default generator.</summary>
public static class Init
{
    /// <summary>U(-bound, bound) in place.</summary>
    public static Tensor Uniform(Tensor t, double bound) => t.Uniform_(-bound, bound);

    /// <summary>
    /// Linear/Conv default: kaiming_uniform with a = sqrt(5), which reduces to U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    /// </summary>
    public static Tensor FanInUniform(Tensor t, long fanIn) => Uniform(t, fanIn > 0 ? 1.0 / Math.Sqrt(fanIn) : 0);
}
