using TorchSharp;
using static TorchSharp.torch;

namespace Captioning.Features;

/// <summary>Order of the colour channels an encoder's weights were trained on.</summary>
public enum ChannelOrder
{
    /// <summary>Red, green, blue (torchvision).</summary>
    Rgb = 0,
    /// <summary>Blue, green, red (Caffe and the Keras VGG16 of the tutorial).</summary>
    Bgr = 1,
}

/// <summary>
/// How pixels must be prepared for an encoder: RGB values in [0, 1] are multiplied by
/// <see cref="Scale"/>, reordered to <see cref="Order"/>, then each channel has its mean subtracted
/// and is divided by its standard deviation (mean and std given in the reordered channel order).
/// </summary>
public sealed class Normalisation
{
    /// <summary>Creates a normalisation; <paramref name="mean"/> and <paramref name="std"/> hold three values each.</summary>
    public Normalisation(string name, ChannelOrder order, double scale, IReadOnlyList<double> mean, IReadOnlyList<double> std)
    {
        if (mean.Count != 3 || std.Count != 3) throw new ArgumentException("mean and std need one value per channel (3)");
        if (std.Any(s => s <= 0)) throw new ArgumentException("std values must be positive", nameof(std));
        Name = name;
        Order = order;
        Scale = scale;
        Mean = mean.ToArray();
        Std = std.ToArray();
    }

    /// <summary>torchvision's ImageNet statistics on RGB in [0, 1]: what VGG16, ResNet-50 and Inception v3 (transform_input on) expect.</summary>
    public static Normalisation ImageNet { get; } = new("imagenet", ChannelOrder.Rgb, 1, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);

    /// <summary>Caffe's: BGR on the 0-255 scale minus the ImageNet mean, no division (Keras' VGG16 preprocess_input).</summary>
    public static Normalisation Caffe { get; } = new("caffe", ChannelOrder.Bgr, 255, [103.939, 116.779, 123.68], [1, 1, 1]);

    /// <summary>Google's Inception scaling to [-1, 1] ((x - 0.5) / 0.5), what Inception v3 expects with transform_input off.</summary>
    public static Normalisation Inception { get; } = new("inception", ChannelOrder.Rgb, 1, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);

    /// <summary>RGB on the 0-255 scale and nothing more: resnet18-mlnet subtracts its own per-pixel mean image.</summary>
    public static Normalisation Rgb255 { get; } = new("rgb255", ChannelOrder.Rgb, 255, [0, 0, 0], [1, 1, 1]);

    /// <summary>Short identifier (imagenet, caffe, inception, rgb255).</summary>
    public string Name { get; }

    /// <summary>Channel order the encoder reads.</summary>
    public ChannelOrder Order { get; }

    /// <summary>Factor applied to [0, 1] pixel values before the mean is subtracted.</summary>
    public double Scale { get; }

    /// <summary>Per-channel mean, in <see cref="Order"/>.</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>Per-channel standard deviation, in <see cref="Order"/>.</summary>
    public IReadOnlyList<double> Std { get; }

    /// <summary>Normalises a float32 RGB batch (N, 3, H, W) with values in [0, 1]; returns a new tensor of the same shape.</summary>
    public Tensor Apply(Tensor rgb)
    {
        if (rgb.dim() != 4 || rgb.shape[1] != 3) throw new ArgumentException($"expected an RGB batch (N, 3, H, W), got [{string.Join(", ", rgb.shape)}]", nameof(rgb));
        // x * (scale / std) - mean / std does the whole affine map in two ops.
        var factor = Enumerable.Range(0, 3).Select(c => (float)(Scale / Std[c])).ToArray();
        var offset = Enumerable.Range(0, 3).Select(c => (float)(-Mean[c] / Std[c])).ToArray();
        using var scope = torch.NewDisposeScope();
        var f = torch.tensor(factor, [1, 3, 1, 1], device: rgb.device); // (1, 3, 1, 1)
        var o = torch.tensor(offset, [1, 3, 1, 1], device: rgb.device); // (1, 3, 1, 1)
        var ordered = Order == ChannelOrder.Rgb ? rgb : rgb.index_select(1, torch.tensor(new long[] { 2, 1, 0 }, device: rgb.device)); // (N, 3, H, W)
        return (ordered * f + o).MoveToOuterDisposeScope(); // (N, 3, H, W)
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name}: {Order}, x{Scale}, mean [{string.Join(", ", Mean)}], std [{string.Join(", ", Std)}]";
}
