using Captioning.Torch;

namespace Captioning.Data;

/// <summary>
/// One teacher-forcing batch: input = &lt;start&gt; w1..wn, target = w1..wn &lt;end&gt;, both padded with
/// &lt;pad&gt;=0 to the longest caption in the batch plus one. Owns its tensors.
/// </summary>
public sealed class CaptionBatch : IDisposable
{
    internal CaptionBatch(int[] captionIndices, int[] imageRows, Tensor input, Tensor target, Tensor lengths)
    {
        CaptionIndices = captionIndices;
        ImageRows = imageRows;
        Input = input;
        Target = target;
        Lengths = lengths;
    }

    /// <summary>Which captions of the <see cref="EncodedCaptions"/> the rows are.</summary>
    public IReadOnlyList<int> CaptionIndices { get; }

    /// <summary>The image (feature-store) row of each batch row.</summary>
    public IReadOnlyList<int> ImageRows { get; }

    /// <summary>Decoder input ids, int64 (batch, steps).</summary>
    public Tensor Input { get; }

    /// <summary>Next-word targets, int64 (batch, steps); padding is 0.</summary>
    public Tensor Target { get; }

    /// <summary>Steps that count per row (words + 1), int64 (batch).</summary>
    public Tensor Lengths { get; }

    /// <summary>Rows in the batch.</summary>
    public int Size => ImageRows.Count;

    /// <inheritdoc/>
    public void Dispose()
    {
        Input.Dispose();
        Target.Dispose();
        Lengths.Dispose();
    }
}
