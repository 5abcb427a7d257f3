namespace Captioning.Torch.NN;

/// <summary>Lookup table of word vectors (torch.nn.Embedding; key "weight"); the padding row starts at zero and gets no gradient.</summary>
public sealed class Embedding : Module<Tensor, Tensor>
{
    /// <summary>Creates the table with N(0, 1) rows, as torch does.</summary>
    public Embedding(long count, long dim, long? paddingIdx = null)
    {
        Count = count;
        Dimension = dim;
        PaddingIdx = paddingIdx;
        var weight = Tensor.Empty([count, dim]).Normal_();
        if (paddingIdx is { } pad)
        {
            using var row = weight.Select(0, pad);
            row.Zero_();
        }
        RegisterParameter("weight", weight);
    }

    /// <summary>Rows in the table.</summary>
    public long Count { get; }

    /// <summary>Vector width.</summary>
    public long Dimension { get; }

    /// <summary>The index whose row is excluded from gradients, or null.</summary>
    public long? PaddingIdx { get; }

    /// <summary>(count, dim).</summary>
    public Tensor Weight => Required("weight");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor indices) => Functional.Embedding(Weight, indices, PaddingIdx ?? -1); // (..., dim)
}
