using static TorchSharp.torch;

namespace Captioning.Data;

/// <summary>
/// One teacher-forcing batch: input = &lt;start&gt; w1..wn, target = w1..wn &lt;end&gt;, both padded with
/// &lt;pad&gt;=0 to the longest caption in the batch plus one. Owns its tensors, which live on one device.
/// </summary>
public sealed class CaptionBatch : IDisposable
{
    internal CaptionBatch(int[] captionIndices, int[] imageRows, long tokens, Tensor input, Tensor target, Tensor lengths, Tensor imageRowIndex)
    {
        CaptionIndices = captionIndices;
        ImageRows = imageRows;
        Tokens = tokens;
        Input = input;
        Target = target;
        Lengths = lengths;
        ImageRowIndex = imageRowIndex;
    }

    /// <summary>Which captions of the <see cref="EncodedCaptions"/> the rows are.</summary>
    public IReadOnlyList<int> CaptionIndices { get; }

    /// <summary>The image (feature-store) row of each batch row.</summary>
    public IReadOnlyList<int> ImageRows { get; }

    /// <summary>Target tokens that count (the sum of <see cref="Lengths"/>), known without reading the device.</summary>
    public long Tokens { get; }

    /// <summary>Decoder input ids, int64 (batch, steps).</summary>
    public Tensor Input { get; }

    /// <summary>Next-word targets, int64 (batch, steps); padding is 0.</summary>
    public Tensor Target { get; }

    /// <summary>Steps that count per row (words + 1), int64 (batch).</summary>
    public Tensor Lengths { get; }

    /// <summary><see cref="ImageRows"/> as an int64 (batch) tensor on the batch's device, for index_select on the features.</summary>
    public Tensor ImageRowIndex { get; }

    /// <summary>Rows in the batch.</summary>
    public int Size => ImageRows.Count;

    /// <inheritdoc/>
    public void Dispose()
    {
        Input.Dispose();
        Target.Dispose();
        Lengths.Dispose();
        ImageRowIndex.Dispose();
    }
}
