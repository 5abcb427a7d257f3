using static TorchSharp.torch;

namespace Captioning.Models;

/// <summary>Hidden and cell state of a (stacked) LSTM, each (layers, rows, hidden), as torch.nn.LSTM takes and returns them.</summary>
public sealed class LstmState(Tensor h, Tensor c) : IDisposable
{
    /// <summary>Hidden state (layers, rows, hidden).</summary>
    public Tensor H { get; } = h;

    /// <summary>Cell state (layers, rows, hidden).</summary>
    public Tensor C { get; } = c;

    /// <summary>A zero state for <paramref name="rows"/> sequences, on the device and dtype of <paramref name="like"/>.</summary>
    public static LstmState Zeros(long layers, long rows, long hidden, Tensor like) =>
        new(zeros(layers, rows, hidden, like.dtype, like.device), zeros(layers, rows, hidden, like.dtype, like.device));

    /// <summary>The states of the rows at <paramref name="index"/> (int64): surviving beams, or rows repeated per beam.</summary>
    public LstmState Select(Tensor index) => new(H.index_select(1, index), C.index_select(1, index));

    /// <summary>Both tensors handed to the enclosing dispose scope.</summary>
    public LstmState MoveToOuterDisposeScope()
    {
        H.MoveToOuterDisposeScope();
        C.MoveToOuterDisposeScope();
        return this;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        H.Dispose();
        C.Dispose();
    }
}
