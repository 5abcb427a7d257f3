using static TorchSharp.torch;

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
    public DecoderState Select(Tensor index) => new(Lstm.Select(index), Image?.index_select(0, index));

    /// <summary>All tensors handed to the enclosing dispose scope.</summary>
    public DecoderState MoveToOuterDisposeScope()
    {
        Lstm.MoveToOuterDisposeScope();
        Image?.MoveToOuterDisposeScope();
        return this;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Lstm.Dispose();
        Image?.Dispose();
    }
}
