using Captioning.Torch;
using Captioning.Torch.NN;

namespace Captioning.Features;

// The building blocks of torchvision's Inception3, with its member names ("branch7x7dbl_3", ...)
// so their state-dict keys equal torchvision's. Each block concatenates its branches on channels.

/// <summary>Convolution without bias, batch norm (eps 0.001), ReLU: keys "conv.weight", "bn.*".</summary>
internal sealed class BasicConv2d : Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly BatchNorm2d bn;

    internal BasicConv2d(long inChannels, long outChannels, (long H, long W) kernel, (long H, long W)? stride = null, (long H, long W)? padding = null)
    {
        conv = RegisterModule("conv", new Conv2d(inChannels, outChannels, kernel, stride, padding, bias: false));
        bn = RegisterModule("bn", new BatchNorm2d(outChannels, eps: 0.001));
    }

    internal BasicConv2d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0)
        : this(inChannels, outChannels, (kernel, kernel), (stride, stride), (padding, padding)) { }

    public override Tensor Forward(Tensor input)
    {
        using var c = conv.Forward(input); // (N, out, H', W')
        using var n = bn.Forward(c);
        return n.Relu();
    }

    /// <summary>Applies <paramref name="convs"/> in order, freeing each intermediate result.</summary>
    internal static Tensor Chain(Tensor input, params BasicConv2d[] convs)
    {
        var x = convs[0].Forward(input);
        for (var i = 1; i < convs.Length; i++)
        {
            var next = convs[i].Forward(x);
            x.Dispose();
            x = next;
        }
        return x;
    }

    /// <summary>Concatenates branch outputs on channels and frees them.</summary>
    internal static Tensor Concat(params Tensor[] branches)
    {
        try
        {
            return Tensor.Cat(branches, 1); // (N, sum of branch channels, H, W)
        }
        finally
        {
            foreach (var b in branches) b.Dispose();
        }
    }

    /// <summary>The 3x3, stride 1, padding 1 average pool the pooling branches start with (padding counted, as in torchvision).</summary>
    internal static Tensor PoolThen(Tensor input, BasicConv2d conv)
    {
        using var pooled = Functional.AvgPool2d(input, (3, 3), (1, 1), (1, 1)); // (N, C, H, W)
        return conv.Forward(pooled);
    }
}

/// <summary>Mixed_5b/5c/5d: 1x1, 5x5, double 3x3 and pool branches (64 + 64 + 96 + pool features channels).</summary>
internal sealed class InceptionA : Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1x1, branch5x5_1, branch5x5_2, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3, branch_pool;

    internal InceptionA(long inChannels, long poolFeatures)
    {
        branch1x1 = RegisterModule(nameof(branch1x1), new BasicConv2d(inChannels, 64, 1));
        branch5x5_1 = RegisterModule(nameof(branch5x5_1), new BasicConv2d(inChannels, 48, 1));
        branch5x5_2 = RegisterModule(nameof(branch5x5_2), new BasicConv2d(48, 64, 5, padding: 2));
        branch3x3dbl_1 = RegisterModule(nameof(branch3x3dbl_1), new BasicConv2d(inChannels, 64, 1));
        branch3x3dbl_2 = RegisterModule(nameof(branch3x3dbl_2), new BasicConv2d(64, 96, 3, padding: 1));
        branch3x3dbl_3 = RegisterModule(nameof(branch3x3dbl_3), new BasicConv2d(96, 96, 3, padding: 1));
        branch_pool = RegisterModule(nameof(branch_pool), new BasicConv2d(inChannels, poolFeatures, 1));
    }

    public override Tensor Forward(Tensor input) => BasicConv2d.Concat(
        branch1x1.Forward(input),
        BasicConv2d.Chain(input, branch5x5_1, branch5x5_2),
        BasicConv2d.Chain(input, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3),
        BasicConv2d.PoolThen(input, branch_pool));
}

/// <summary>Mixed_6a: strided 3x3, strided double 3x3 and max-pool branches (grid 35 to 17).</summary>
internal sealed class InceptionB : Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch3x3, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3;

    internal InceptionB(long inChannels)
    {
        branch3x3 = RegisterModule(nameof(branch3x3), new BasicConv2d(inChannels, 384, 3, stride: 2));
        branch3x3dbl_1 = RegisterModule(nameof(branch3x3dbl_1), new BasicConv2d(inChannels, 64, 1));
        branch3x3dbl_2 = RegisterModule(nameof(branch3x3dbl_2), new BasicConv2d(64, 96, 3, padding: 1));
        branch3x3dbl_3 = RegisterModule(nameof(branch3x3dbl_3), new BasicConv2d(96, 96, 3, stride: 2));
    }

    public override Tensor Forward(Tensor input) => BasicConv2d.Concat(
        branch3x3.Forward(input),
        BasicConv2d.Chain(input, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3),
        Functional.MaxPool2d(input, (3, 3), (2, 2)));
}

/// <summary>Mixed_6b..6e: factorised 7x7 branches (1x7 and 7x1), 192 channels each of four branches.</summary>
internal sealed class InceptionC : Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1x1, branch7x7_1, branch7x7_2, branch7x7_3;
    private readonly BasicConv2d branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3, branch7x7dbl_4, branch7x7dbl_5, branch_pool;

    internal InceptionC(long inChannels, long channels7x7)
    {
        var c7 = channels7x7;
        branch1x1 = RegisterModule(nameof(branch1x1), new BasicConv2d(inChannels, 192, 1));
        branch7x7_1 = RegisterModule(nameof(branch7x7_1), new BasicConv2d(inChannels, c7, 1));
        branch7x7_2 = RegisterModule(nameof(branch7x7_2), new BasicConv2d(c7, c7, (1, 7), padding: (0, 3)));
        branch7x7_3 = RegisterModule(nameof(branch7x7_3), new BasicConv2d(c7, 192, (7, 1), padding: (3, 0)));
        branch7x7dbl_1 = RegisterModule(nameof(branch7x7dbl_1), new BasicConv2d(inChannels, c7, 1));
        branch7x7dbl_2 = RegisterModule(nameof(branch7x7dbl_2), new BasicConv2d(c7, c7, (7, 1), padding: (3, 0)));
        branch7x7dbl_3 = RegisterModule(nameof(branch7x7dbl_3), new BasicConv2d(c7, c7, (1, 7), padding: (0, 3)));
        branch7x7dbl_4 = RegisterModule(nameof(branch7x7dbl_4), new BasicConv2d(c7, c7, (7, 1), padding: (3, 0)));
        branch7x7dbl_5 = RegisterModule(nameof(branch7x7dbl_5), new BasicConv2d(c7, 192, (1, 7), padding: (0, 3)));
        branch_pool = RegisterModule(nameof(branch_pool), new BasicConv2d(inChannels, 192, 1));
    }

    public override Tensor Forward(Tensor input) => BasicConv2d.Concat(
        branch1x1.Forward(input),
        BasicConv2d.Chain(input, branch7x7_1, branch7x7_2, branch7x7_3),
        BasicConv2d.Chain(input, branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3, branch7x7dbl_4, branch7x7dbl_5),
        BasicConv2d.PoolThen(input, branch_pool));
}

/// <summary>Mixed_7a: strided 3x3, strided 7x7-then-3x3 and max-pool branches (grid 17 to 8).</summary>
internal sealed class InceptionD : Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch3x3_1, branch3x3_2, branch7x7x3_1, branch7x7x3_2, branch7x7x3_3, branch7x7x3_4;

    internal InceptionD(long inChannels)
    {
        branch3x3_1 = RegisterModule(nameof(branch3x3_1), new BasicConv2d(inChannels, 192, 1));
        branch3x3_2 = RegisterModule(nameof(branch3x3_2), new BasicConv2d(192, 320, 3, stride: 2));
        branch7x7x3_1 = RegisterModule(nameof(branch7x7x3_1), new BasicConv2d(inChannels, 192, 1));
        branch7x7x3_2 = RegisterModule(nameof(branch7x7x3_2), new BasicConv2d(192, 192, (1, 7), padding: (0, 3)));
        branch7x7x3_3 = RegisterModule(nameof(branch7x7x3_3), new BasicConv2d(192, 192, (7, 1), padding: (3, 0)));
        branch7x7x3_4 = RegisterModule(nameof(branch7x7x3_4), new BasicConv2d(192, 192, 3, stride: 2));
    }

    public override Tensor Forward(Tensor input) => BasicConv2d.Concat(
        BasicConv2d.Chain(input, branch3x3_1, branch3x3_2),
        BasicConv2d.Chain(input, branch7x7x3_1, branch7x7x3_2, branch7x7x3_3, branch7x7x3_4),
        Functional.MaxPool2d(input, (3, 3), (2, 2)));
}

/// <summary>Mixed_7b/7c: 1x1, split 1x3/3x1 and double-3x3 split branches, and pool (2,048 channels).</summary>
internal sealed class InceptionE : Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1x1, branch3x3_1, branch3x3_2a, branch3x3_2b;
    private readonly BasicConv2d branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3a, branch3x3dbl_3b, branch_pool;

    internal InceptionE(long inChannels)
    {
        branch1x1 = RegisterModule(nameof(branch1x1), new BasicConv2d(inChannels, 320, 1));
        branch3x3_1 = RegisterModule(nameof(branch3x3_1), new BasicConv2d(inChannels, 384, 1));
        branch3x3_2a = RegisterModule(nameof(branch3x3_2a), new BasicConv2d(384, 384, (1, 3), padding: (0, 1)));
        branch3x3_2b = RegisterModule(nameof(branch3x3_2b), new BasicConv2d(384, 384, (3, 1), padding: (1, 0)));
        branch3x3dbl_1 = RegisterModule(nameof(branch3x3dbl_1), new BasicConv2d(inChannels, 448, 1));
        branch3x3dbl_2 = RegisterModule(nameof(branch3x3dbl_2), new BasicConv2d(448, 384, 3, padding: 1));
        branch3x3dbl_3a = RegisterModule(nameof(branch3x3dbl_3a), new BasicConv2d(384, 384, (1, 3), padding: (0, 1)));
        branch3x3dbl_3b = RegisterModule(nameof(branch3x3dbl_3b), new BasicConv2d(384, 384, (3, 1), padding: (1, 0)));
        branch_pool = RegisterModule(nameof(branch_pool), new BasicConv2d(inChannels, 192, 1));
    }

    public override Tensor Forward(Tensor input)
    {
        var single = branch1x1.Forward(input); // (N, 320, 8, 8)
        Tensor split3x3, split3x3dbl;
        using (var s = branch3x3_1.Forward(input)) // (N, 384, 8, 8)
            split3x3 = BasicConv2d.Concat(branch3x3_2a.Forward(s), branch3x3_2b.Forward(s)); // (N, 768, 8, 8)
        using (var d = BasicConv2d.Chain(input, branch3x3dbl_1, branch3x3dbl_2)) // (N, 384, 8, 8)
            split3x3dbl = BasicConv2d.Concat(branch3x3dbl_3a.Forward(d), branch3x3dbl_3b.Forward(d)); // (N, 768, 8, 8)
        return BasicConv2d.Concat(single, split3x3, split3x3dbl, BasicConv2d.PoolThen(input, branch_pool)); // (N, 2048, 8, 8)
    }
}
