namespace Captioning.Torch.NN;

/// <summary>Fully connected layer y = x W^T + b (torch.nn.Linear; keys "weight", "bias").</summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer with PyTorch's default initialisation.</summary>
    public Linear(long inFeatures, long outFeatures, bool bias = true)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        RegisterParameter("weight", Init.FanInUniform(Tensor.Empty([outFeatures, inFeatures]), inFeatures));
        if (bias) RegisterParameter("bias", Init.FanInUniform(Tensor.Empty([outFeatures]), inFeatures));
    }

    /// <summary>Input width.</summary>
    public long InFeatures { get; }

    /// <summary>Output width.</summary>
    public long OutFeatures { get; }

    /// <summary>(out, in).</summary>
    public Tensor Weight => Required("weight");

    /// <summary>(out), or null.</summary>
    public Tensor? Bias => Member("bias");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias); // (..., out)
}
