using Captioning.Torch;
using Captioning.Torch.NN;

namespace Captioning.Features;

/// <summary>
/// torchvision's Inception3 up to the global average pool: 2,048 features per 299x299 image, in
/// evaluation mode. Children carry torchvision's names (Conv2d_1a_3x3 ... Mixed_7c); the auxiliary
/// classifier (AuxLogits.*) and the ImageNet classifier (fc.*) are not built, and their keys are
/// ignored when a full checkpoint is loaded.
/// </summary>
/// <remarks>
/// <c>transformInput</c> re-maps ImageNet-normalised input to the [-1, 1] scaling Google's weights
/// were trained on, as <c>torchvision.models.inception_v3(weights=...)</c> does: torchvision turns it
/// on whenever pretrained weights are requested, so it is on by default here and the expected
/// normalisation is ImageNet's. With it off the network reads its input unchanged and expects
/// <see cref="Normalisation.Inception"/> ((x - 0.5) / 0.5), like <c>Inception3()</c> built without weights.
/// </remarks>
public sealed class InceptionV3Encoder : TorchvisionEncoder
{
    private static readonly IReadOnlySet<string> Ignored = BuildIgnored();

    private readonly BasicConv2d conv1a, conv2a, conv2b, conv3b, conv4a;
    private readonly Module<Tensor, Tensor>[] mixed;
    private readonly AdaptiveAvgPool2d avgpool;

    /// <summary>Builds the network (PyTorch's default layer initialisation), in evaluation mode.</summary>
    public InceptionV3Encoder(bool transformInput = true)
    {
        TransformInput = transformInput;
        conv1a = RegisterModule("Conv2d_1a_3x3", new BasicConv2d(3, 32, 3, stride: 2));
        conv2a = RegisterModule("Conv2d_2a_3x3", new BasicConv2d(32, 32, 3));
        conv2b = RegisterModule("Conv2d_2b_3x3", new BasicConv2d(32, 64, 3, padding: 1));
        conv3b = RegisterModule("Conv2d_3b_1x1", new BasicConv2d(64, 80, 1));
        conv4a = RegisterModule("Conv2d_4a_3x3", new BasicConv2d(80, 192, 3));
        mixed =
        [
            RegisterModule("Mixed_5b", new InceptionA(192, poolFeatures: 32)),
            RegisterModule("Mixed_5c", new InceptionA(256, poolFeatures: 64)),
            RegisterModule("Mixed_5d", new InceptionA(288, poolFeatures: 64)),
            RegisterModule("Mixed_6a", new InceptionB(288)),
            RegisterModule("Mixed_6b", new InceptionC(768, channels7x7: 128)),
            RegisterModule("Mixed_6c", new InceptionC(768, channels7x7: 160)),
            RegisterModule("Mixed_6d", new InceptionC(768, channels7x7: 160)),
            RegisterModule("Mixed_6e", new InceptionC(768, channels7x7: 192)),
            RegisterModule("Mixed_7a", new InceptionD(768)),
            RegisterModule("Mixed_7b", new InceptionE(1280)),
            RegisterModule("Mixed_7c", new InceptionE(2048)),
        ];
        avgpool = RegisterModule("avgpool", new AdaptiveAvgPool2d((1, 1)));
        Eval();
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
    public override Tensor Forward(Tensor input)
    {
        var x = TransformInput ? Transform(input) : input.Alias(); // (N, 3, 299, 299)
        x = Step(x, conv1a.Forward); // (N, 32, 149, 149)
        x = Step(x, conv2a.Forward); // (N, 32, 147, 147)
        x = Step(x, conv2b.Forward); // (N, 64, 147, 147)
        x = Step(x, t => Functional.MaxPool2d(t, (3, 3), (2, 2))); // (N, 64, 73, 73)
        x = Step(x, conv3b.Forward); // (N, 80, 73, 73)
        x = Step(x, conv4a.Forward); // (N, 192, 71, 71)
        x = Step(x, t => Functional.MaxPool2d(t, (3, 3), (2, 2))); // (N, 192, 35, 35)
        foreach (var block in mixed) x = Step(x, block.Forward); // (N, 256..2048, 35..8, 35..8)
        x = Step(x, avgpool.Forward); // (N, 2048, 1, 1)
        return Step(x, t => t.Flatten(1)); // (N, 2048)
    }

    private static Tensor Step(Tensor x, Func<Tensor, Tensor> layer)
    {
        using (x) return layer(x);
    }

    // Per channel: x * (std / 0.5) + (mean - 0.5) / 0.5, torchvision's _transform_input.
    private static Tensor Transform(Tensor input)
    {
        var imageNet = Normalisation.ImageNet;
        var factor = Enumerable.Range(0, 3).Select(c => (float)(imageNet.Std[c] / 0.5)).ToArray();
        var offset = Enumerable.Range(0, 3).Select(c => (float)((imageNet.Mean[c] - 0.5) / 0.5)).ToArray();
        using var f = Tensor.From(factor, 1, 3, 1, 1).To(input.Device); // (1, 3, 1, 1)
        using var o = Tensor.From(offset, 1, 3, 1, 1).To(input.Device); // (1, 3, 1, 1)
        using var scaled = input * f; // (N, 3, H, W)
        return scaled + o;
    }
}
