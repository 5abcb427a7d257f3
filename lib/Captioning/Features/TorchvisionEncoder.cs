using Captioning.Torch;
using Captioning.Torch.NN;

namespace Captioning.Features;

/// <summary>
/// Common base of the encoders that mirror a torchvision classifier: module names equal
/// torchvision's, so a torchvision state dict loads key for key (minus <see cref="IgnoredWeightKeys"/>).
/// </summary>
public abstract class TorchvisionEncoder : Module<Tensor, Tensor>, IImageEncoder
{
    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public abstract int FeatureDimension { get; }

    /// <inheritdoc/>
    public abstract int InputSize { get; }

    /// <inheritdoc/>
    public virtual Normalisation Normalisation => Normalisation.ImageNet;

    /// <inheritdoc/>
    public Module Module => this;

    /// <inheritdoc/>
    public abstract IReadOnlySet<string> IgnoredWeightKeys { get; }

    /// <inheritdoc/>
    public Tensor Encode(Tensor batch)
    {
        if (batch.Dim != 4 || batch.Shape[1] != 3)
            throw new ArgumentException($"{Name} expects an image batch (N, 3, H, W), got [{string.Join(", ", batch.Shape)}]", nameof(batch));
        if (batch.DType != DType.Float32)
            throw new ArgumentException($"{Name} expects float32 pixels, got {batch.DType}", nameof(batch));
        using var noGrad = NoGradScope.Enter();
        var device = NamedParameters().First().Parameter.Device;
        if (batch.Device == device) return Forward(batch); // (N, D)
        using var moved = batch.To(device);
        return Forward(moved); // (N, D)
    }
}
