using TorchSharp;
using static TorchSharp.torch;

namespace Captioning.Features;

/// <summary>
/// torchvision's Inception3 up to the global average pool: 2,048 features per 299x299 image, in
/// evaluation mode. The layers are TorchVision's <c>torchvision.models.inception_v3()</c> with
/// torchvision's names (Conv2d_1a_3x3 ... Mixed_7c); the auxiliary classifier (AuxLogits.*) and the
/// ImageNet classifier (fc.*) are not kept, and their keys are ignored when a full checkpoint is loaded.
/// </summary>
/// <remarks>
/// <c>transformInput</c> re-maps ImageNet-normalised input to the [-1, 1] scaling Google's weights
/// were trained on, as <c>torchvision.models.inception_v3(weights=...)</c> does: torchvision turns it
/// on whenever pretrained weights are requested, so it is on by default here and the expected
/// normalisation is ImageNet's. With it off the network reads its input unchanged and expects
/// <see cref="Normalisation.Inception"/> ((x - 0.5) / 0.5), like <c>Inception3()</c> built without weights.
/// TorchVision's own forward cannot stop before its classifier, so the layers run here in its order.
/// </remarks>
public sealed class InceptionV3Encoder : TorchvisionEncoder
{
    private static readonly IReadOnlySet<string> Ignored = BuildIgnored();

    // TorchVision's children in forward order, up to the pool: AuxLogits (training only), dropout and fc are dropped.
    private static readonly string[] Trunk =
    [
        "Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3", "maxpool1", "Conv2d_3b_1x1", "Conv2d_4a_3x3", "maxpool2",
        "Mixed_5b", "Mixed_5c", "Mixed_5d", "Mixed_6a", "Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e", "Mixed_7a", "Mixed_7b", "Mixed_7c", "avgpool",
    ];

    private readonly nn.Module<Tensor, Tensor>[] layers;

    /// <summary>Builds the network with TorchVision's initialisation, in evaluation mode.</summary>
    public InceptionV3Encoder(bool transformInput = true) : base(nameof(InceptionV3Encoder))
    {
        TransformInput = transformInput;
        var adopted = Adopt(ModuleConstruction.Build(() => torchvision.models.inception_v3()), "AuxLogits", "dropout", "fc");
        layers = Trunk.Select(name => adopted[name]).ToArray();
        eval();
    }

    /// <summary>Whether ImageNet-normalised input is re-mapped to Inception's [-1, 1] scaling first (torchvision's transform_input).</summary>
    public bool TransformInput { get; }

    /// <inheritdoc/>
    public override string Name => EncoderNames.InceptionV3;

    /// <inheritdoc/>
    public override int FeatureDimension => 2048;

    /// <inheritdoc/>
    public override int InputSize => 299;

    /// <summary>ImageNet's when <see cref="TransformInput"/> is on, else <see cref="Normalisation.Inception"/>.</summary>
    public override Normalisation Normalisation => TransformInput ? Normalisation.ImageNet : Normalisation.Inception;

    /// <summary>fc.weight, fc.bias and the 14 AuxLogits.* keys of torchvision's auxiliary classifier (16 in all).</summary>
    public override IReadOnlySet<string> IgnoredWeightKeys => Ignored;

    private static HashSet<string> BuildIgnored()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal) { "fc.weight", "fc.bias", "AuxLogits.fc.weight", "AuxLogits.fc.bias" };
        foreach (var conv in new[] { "conv0", "conv1" })
        {
            keys.Add($"AuxLogits.{conv}.conv.weight");
            foreach (var bn in new[] { "weight", "bias", "running_mean", "running_var", "num_batches_tracked" }) keys.Add($"AuxLogits.{conv}.bn.{bn}");
        }
        return keys;
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = TransformInput ? Transform(input) : input; // (N, 3, 299, 299)
        foreach (var layer in layers) x = layer.call(x);     // (N, 32, 149, 149) ... (N, 2048, 8, 8), (N, 2048, 1, 1)
        return x.flatten(1).MoveToOuterDisposeScope();       // (N, 2048)
    }

    // Per channel: x * (std / 0.5) + (mean - 0.5) / 0.5, torchvision's _transform_input.
    private static Tensor Transform(Tensor input)
    {
        var imageNet = Normalisation.ImageNet;
        var factor = Enumerable.Range(0, 3).Select(c => (float)(imageNet.Std[c] / 0.5)).ToArray();
        var offset = Enumerable.Range(0, 3).Select(c => (float)((imageNet.Mean[c] - 0.5) / 0.5)).ToArray();
        var f = torch.tensor(factor, [1, 3, 1, 1], device: input.device); // (1, 3, 1, 1)
        var o = torch.tensor(offset, [1, 3, 1, 1], device: input.device); // (1, 3, 1, 1)
        return input * f + o; // (N, 3, H, W)
    }
}
