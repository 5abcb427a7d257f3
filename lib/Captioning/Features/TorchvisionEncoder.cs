using TorchSharp;
using static TorchSharp.torch;

namespace Captioning.Features;

/// <summary>
/// Common base of the encoders built from a TorchVision classifier (<c>torchvision.models.*</c>): the
/// classifier's layers are adopted under their own names, so the state-dict keys equal torchvision's
/// (PyTorch's) and a torchvision state dict loads key for key, minus <see cref="IgnoredWeightKeys"/>. An encoder whose
/// layers TorchVision does not offer (<see cref="MlNetResNet18Encoder"/>) registers its own under torchvision's names instead.
/// </summary>
public abstract class TorchvisionEncoder : nn.Module<Tensor, Tensor>, IImageEncoder
{
    /// <summary>Creates the (still empty) module; the subclass adopts its layers with <see cref="Adopt"/>.</summary>
    protected TorchvisionEncoder(string name) : base(name)
    {
        TorchRuntime.EnsureLoaded(); // also turns off the NNPACK probe (TorchRuntime.DisableNnpack)
    }

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public abstract int FeatureDimension { get; }

    /// <inheritdoc/>
    public abstract int InputSize { get; }

    /// <inheritdoc/>
    public virtual Normalisation Normalisation => Normalisation.ImageNet;

    /// <inheritdoc/>
    public nn.Module Module => this;

    /// <inheritdoc/>
    public Device Device => parameters().First().device;

    /// <inheritdoc/>
    public abstract IReadOnlySet<string> IgnoredWeightKeys { get; }

    /// <inheritdoc/>
    public void MoveTo(Device device) => this.to(device);

    /// <inheritdoc/>
    public Tensor Encode(Tensor batch)
    {
        if (batch.dim() != 4 || batch.shape[1] != 3)
            throw new ArgumentException($"{Name} expects an image batch (N, 3, H, W), got [{string.Join(", ", batch.shape)}]", nameof(batch));
        if (batch.dtype != ScalarType.Float32)
            throw new ArgumentException($"{Name} expects float32 pixels, got {batch.dtype}", nameof(batch));
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var input = batch.to(Device); // (N, 3, H, W), the batch itself when it is there already
        return forward(input).MoveToOuterDisposeScope(); // (N, D)
    }

    /// <summary>
    /// Registers every child of TorchVision's <paramref name="classifier"/> under its own name except the
    /// <paramref name="dropped"/> ones (the head), which are disposed, and returns the adopted children by name.
    /// The classifier object itself is left as an empty shell: its layers now belong to this module.
    /// </summary>
    protected IReadOnlyDictionary<string, nn.Module<Tensor, Tensor>> Adopt(nn.Module classifier, params string[] dropped)
    {
        var adopted = new Dictionary<string, nn.Module<Tensor, Tensor>>(StringComparer.Ordinal);
        foreach (var (name, child) in classifier.named_children().ToList())
        {
            if (dropped.Contains(name))
            {
                child.Dispose();
                continue;
            }
            register_module(name, child);
            adopted[name] = (nn.Module<Tensor, Tensor>)child;
        }
        return adopted;
    }
}
