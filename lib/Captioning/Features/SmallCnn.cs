using Captioning.Torch;
using Captioning.Torch.NN;

namespace Captioning.Features;

/// <summary>
/// A compact conv net for images without pretrained weights: conv blocks (3x3 conv, BatchNorm,
/// ReLU, 2x2 max pool) after an optional strided 5x5 stem, average pooling to a 3x3 grid, a ReLU penultimate layer (the feature) and
/// a linear head of concept logits. Keys: "stem.{0,1}.*" (with a stem), "blocks.{i}.{0,1}.*", "embed.*" or "cells.*", "head.*".
/// The penultimate layer is either one dense layer over the whole grid ("embed") or, with a cell
/// dimension, a 1x1 conv that describes each grid cell on its own ("cells"): the latter keeps what is
/// where, so a caption model can tell "a red circle left of a blue square" from its mirror image,
/// which a bag of concept words alone never asks the network to keep.
/// </summary>
public sealed class SmallCnn : Module<Tensor, Tensor>
{
    private readonly Sequential? stem;
    private readonly Sequential blocks;
    private readonly AdaptiveAvgPool2d pool;
    private readonly Linear? embed;
    private readonly Conv2d? cells;
    private readonly Linear head;

    /// <summary>Creates the network with PyTorch's default initialisation (seed libtorch first for reproducible weights).</summary>
    /// <param name="channels">Output channels of each conv block, e.g. [24, 48, 96, 128].</param>
    /// <param name="featureDimension">Size of the penultimate layer (the stored feature).</param>
    /// <param name="concepts">Number of concept words the head predicts.</param>
    /// <param name="stemChannels">Channels of a 5x5 stride-2 stem before the blocks (0: none); it halves the resolution cheaply.</param>
    /// <param name="cellDimension">Per-cell feature size of the 1x1 conv penultimate layer (0: one dense layer of <paramref name="featureDimension"/> instead).</param>
    public SmallCnn(IReadOnlyList<int> channels, int featureDimension, int concepts, int stemChannels = 0, int cellDimension = 0)
    {
        CellDimension = cellDimension;
        StemChannels = stemChannels;
        if (channels.Count == 0 || channels.Any(c => c <= 0)) throw new ArgumentException("every block needs a positive channel count", nameof(channels));
        Channels = channels.ToArray();
        FeatureDimension = featureDimension;
        Concepts = concepts;
        var inChannels = 3L;
        if (stemChannels > 0)
        {
            stem = RegisterModule("stem", new Sequential(new Conv2d(3, stemChannels, (5, 5), (2, 2), (2, 2), bias: false), new BatchNorm2d(stemChannels), new ReLU()));
            inChannels = stemChannels;
        }
        blocks = new Sequential();
        foreach (var c in channels)
        {
            blocks.Append(new Sequential(new Conv2d(inChannels, c, 3, padding: 1, bias: false), new BatchNorm2d(c), new ReLU(), new MaxPool2d(2)));
            inChannels = c;
        }
        RegisterModule("blocks", blocks);
        // A 3x3 grid rather than one global average: captions name where shapes are ("top left").
        pool = new AdaptiveAvgPool2d((GridSize, GridSize));
        if (cellDimension > 0)
        {
            FeatureDimension = cellDimension * GridSize * GridSize;
            cells = RegisterModule("cells", new Conv2d(inChannels, cellDimension, 1));
        }
        else
        {
            embed = RegisterModule("embed", new Linear(inChannels * GridSize * GridSize, featureDimension));
        }
        head = RegisterModule("head", new Linear(FeatureDimension, concepts));
    }

    /// <summary>Side of the pooled grid fed to the penultimate layer.</summary>
    public const int GridSize = 3;

    /// <summary>Output channels of each conv block.</summary>
    public IReadOnlyList<int> Channels { get; }

    /// <summary>Channels of the strided stem, or 0 without one.</summary>
    public int StemChannels { get; }

    /// <summary>Per-cell size of a 1x1 conv penultimate layer, or 0 for one dense layer.</summary>
    public int CellDimension { get; }

    /// <summary>Size of the penultimate layer (with cells: cell dimension x 9).</summary>
    public int FeatureDimension { get; }

    /// <summary>Number of concept logits.</summary>
    public int Concepts { get; }

    /// <summary>Penultimate activations (after ReLU) of (N, 3, S, S) images in [0, 1]: (N, featureDimension).</summary>
    public Tensor Features(Tensor images)
    {
        using var scope = DisposeScope.Enter();
        var x = (images - 0.5) * 4.0;               // (N, 3, S, S), roughly zero-centred
        if (stem != null) x = stem.Forward(x);      // (N, stem, S / 2, S / 2)
        x = blocks.Forward(x);                      // (N, C, S / 2^k, S / 2^k)
        x = pool.Forward(x);                        // (N, C, 3, 3)
        x = cells != null
            ? cells.Forward(x).Relu().Flatten(1)    // (N, cell * 9), cell-major per channel
            : embed!.Forward(x.Flatten(1)).Relu();  // (N, featureDimension)
        return x.MoveToOuterScope();
    }

    /// <summary>Concept logits of (N, 3, S, S) images: (N, concepts).</summary>
    public override Tensor Forward(Tensor images)
    {
        using var scope = DisposeScope.Enter();
        return head.Forward(Features(images)).MoveToOuterScope(); // (N, concepts)
    }
}
