using Captioning.Torch;
using Captioning.Torch.NN;

namespace Captioning.Models;

/// <summary>
/// What a caption model carries from one decoding step to the next: the LSTM state and the
/// image vector some architectures reuse at every step. Rows are (image or beam) hypotheses.
/// </summary>
public sealed class DecoderState(LstmState lstm, Tensor? image) : IDisposable
{
    /// <summary>LSTM hidden and cell state, (layers, rows, hidden).</summary>
    public LstmState Lstm { get; } = lstm;

    /// <summary>Per-row image vector reused at each step (merge, par-inject), or null.</summary>
    public Tensor? Image { get; } = image;

    /// <summary>The state of the rows at <paramref name="index"/> (int64): surviving beams, or rows repeated per beam.</summary>
    public DecoderState Select(Tensor index) => new(Lstm.IndexSelect(index), Image?.IndexSelect(0, index));

    /// <summary>All tensors handed to the enclosing dispose scope.</summary>
    public DecoderState MoveToOuterScope()
    {
        Lstm.MoveToOuterScope();
        Image?.MoveToOuterScope();
        return this;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Lstm.Dispose();
        Image?.Dispose();
    }
}
