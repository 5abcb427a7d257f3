using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

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
public sealed class SmallCnn : nn.Module<Tensor, Tensor>
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
        : base(nameof(SmallCnn))
    {
        TorchRuntime.EnsureLoaded(); // also turns off the NNPACK probe (TorchRuntime.DisableNnpack)
        using var scope = torch.NewDisposeScope(); // frees what the layer constructors leave behind; the weights are kept below
        CellDimension = cellDimension;
        StemChannels = stemChannels;
        if (channels.Count == 0 || channels.Any(c => c <= 0)) throw new ArgumentException("every block needs a positive channel count", nameof(channels));
        Channels = channels.ToArray();
        FeatureDimension = featureDimension;
        Concepts = concepts;
        var inChannels = 3L;
        if (stemChannels > 0)
        {
            stem = nn.Sequential(nn.Conv2d(3, stemChannels, kernel_size: 5, stride: 2, padding: 2, bias: false), nn.BatchNorm2d(stemChannels), nn.ReLU());
            register_module("stem", stem);
            inChannels = stemChannels;
        }
        blocks = nn.Sequential();
        foreach (var c in channels)
        {
            blocks.append(nn.Sequential(nn.Conv2d(inChannels, c, kernel_size: 3, padding: 1, bias: false), nn.BatchNorm2d(c), nn.ReLU(), nn.MaxPool2d(kernel_size: 2)));
            inChannels = c;
        }
        register_module("blocks", blocks);
        // A 3x3 grid rather than one global average: captions name where shapes are ("top left"). No state: no keys.
        pool = nn.AdaptiveAvgPool2d(GridSize);
        register_module("pool", pool);
        if (cellDimension > 0)
        {
            FeatureDimension = cellDimension * GridSize * GridSize;
            cells = nn.Conv2d(inChannels, cellDimension, kernel_size: 1);
            register_module("cells", cells);
        }
        else
        {
            embed = nn.Linear(inChannels * GridSize * GridSize, featureDimension);
            register_module("embed", embed);
        }
        head = nn.Linear(FeatureDimension, concepts);
        register_module("head", head);
        ModuleConstruction.KeepState(this);
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
        using var scope = torch.NewDisposeScope();
        var x = (images - 0.5) * 4.0;                // (N, 3, S, S), roughly zero-centred
        if (stem != null) x = stem.call(x);          // (N, stem, S / 2, S / 2)
        x = blocks.call(x);                          // (N, C, S / 2^k, S / 2^k)
        x = pool.call(x);                            // (N, C, 3, 3)
        x = cells != null
            ? cells.call(x).relu().flatten(1)        // (N, cell * 9), cell-major per channel
            : embed!.call(x.flatten(1)).relu();      // (N, featureDimension)
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Concept logits of (N, 3, S, S) images: (N, concepts).</summary>
    public override Tensor forward(Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        return head.call(Features(images)).MoveToOuterDisposeScope(); // (N, concepts)
    }
}
