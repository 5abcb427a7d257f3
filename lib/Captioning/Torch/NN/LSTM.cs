namespace Captioning.Torch.NN;

/// <summary>Hidden and cell state of an LSTM, each (layers, batch, hidden).</summary>
public sealed class LstmState(Tensor h, Tensor c) : IDisposable
{
    /// <summary>Hidden state.</summary>
    public Tensor H { get; } = h;

    /// <summary>Cell state.</summary>
    public Tensor C { get; } = c;

    /// <summary>Both tensors moved to the enclosing dispose scope.</summary>
    public LstmState MoveToOuterScope()
    {
        H.MoveToOuterScope();
        C.MoveToOuterScope();
        return this;
    }

    /// <summary>The states of the batch rows at <paramref name="index"/> (int64), e.g. surviving beams.</summary>
    public LstmState IndexSelect(Tensor index) => new(H.IndexSelect(1, index), C.IndexSelect(1, index));

    /// <inheritdoc/>
    public void Dispose()
    {
        H.Dispose();
        C.Dispose();
    }
}

/// <summary>
/// Multi-layer unidirectional LSTM (torch.nn.LSTM; keys weight_ih_l{k}, weight_hh_l{k},
/// bias_ih_l{k}, bias_hh_l{k}) running libtorch's fused kernel over whole sequences, with
/// inter-layer dropout in training mode and a single-step call for decoding.
/// </summary>
public sealed class LSTM : Module
{
    /// <summary>Creates the layers with PyTorch's U(-1/sqrt(hidden), 1/sqrt(hidden)) initialisation.</summary>
    public LSTM(long inputSize, long hiddenSize, int numLayers = 1, bool batchFirst = true, double dropout = 0, bool bias = true)
    {
        if (numLayers < 1) throw new ArgumentOutOfRangeException(nameof(numLayers), "an LSTM needs at least one layer");
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        BatchFirst = batchFirst;
        DropoutP = dropout;
        HasBias = bias;
        var bound = 1.0 / Math.Sqrt(hiddenSize);
        for (var layer = 0; layer < numLayers; layer++)
        {
            var input = layer == 0 ? inputSize : hiddenSize;
            RegisterParameter($"weight_ih_l{layer}", Init.Uniform(Tensor.Empty([4 * hiddenSize, input]), bound));
            RegisterParameter($"weight_hh_l{layer}", Init.Uniform(Tensor.Empty([4 * hiddenSize, hiddenSize]), bound));
            if (!bias) continue;
            RegisterParameter($"bias_ih_l{layer}", Init.Uniform(Tensor.Empty([4 * hiddenSize]), bound));
            RegisterParameter($"bias_hh_l{layer}", Init.Uniform(Tensor.Empty([4 * hiddenSize]), bound));
        }
    }

    /// <summary>Width of each input step.</summary>
    public long InputSize { get; }

    /// <summary>Width of the hidden state.</summary>
    public long HiddenSize { get; }

    /// <summary>Stacked layers.</summary>
    public int NumLayers { get; }

    /// <summary>Input and output are (batch, steps, features) when true, (steps, batch, features) otherwise.</summary>
    public bool BatchFirst { get; }

    /// <summary>Dropout between layers (training mode only).</summary>
    public double DropoutP { get; }

    /// <summary>Whether the layers have biases.</summary>
    public bool HasBias { get; }

    /// <summary>A zero state for <paramref name="batch"/> sequences on <paramref name="device"/>.</summary>
    public LstmState ZeroState(long batch, Device? device = null, DType dtype = DType.Float32) =>
        new(Tensor.Zeros([NumLayers, batch, HiddenSize], dtype, device), Tensor.Zeros([NumLayers, batch, HiddenSize], dtype, device));

    /// <summary>Runs whole sequences; returns the top layer's outputs and the final state.</summary>
    public (Tensor Output, LstmState State) Forward(Tensor input, LstmState? state = null)
    {
        var batch = input.Size(BatchFirst ? 0 : 1);
        var initial = state ?? ZeroState(batch, input.Device, input.DType);
        try
        {
            var weights = new IntPtr[NumLayers * (HasBias ? 4 : 2)];
            var i = 0;
            for (var layer = 0; layer < NumLayers; layer++)
            {
                weights[i++] = Required($"weight_ih_l{layer}").Handle;
                weights[i++] = Required($"weight_hh_l{layer}").Handle;
                if (!HasBias) continue;
                weights[i++] = Required($"bias_ih_l{layer}").Handle;
                weights[i++] = Required($"bias_hh_l{layer}").Handle;
            }
            NativeMethods.Check(NativeMethods.cap_nn_lstm(input.Handle, initial.H.Handle, initial.C.Handle, weights, weights.Length,
                HasBias ? 1 : 0, NumLayers, DropoutP, Training ? 1 : 0, BatchFirst ? 1 : 0, out var output, out var hn, out var cn));
            return (new Tensor(output), new LstmState(new Tensor(hn), new Tensor(cn))); // (B, T, H), (L, B, H) x2
        }
        finally
        {
            if (state == null) initial.Dispose();
        }
    }

    /// <summary>One time step for decoding: input (batch, features) → output (batch, hidden) and the new state.</summary>
    public (Tensor Output, LstmState State) Step(Tensor input, LstmState state)
    {
        using var sequence = input.Unsqueeze(BatchFirst ? 1 : 0); // (B, 1, F)
        var (output, next) = Forward(sequence, state);
        using (output)
        {
            return (output.Squeeze(BatchFirst ? 1 : 0), next); // (B, H)
        }
    }
}

/// <summary>A single LSTM cell (torch.nn.LSTMCell; keys weight_ih, weight_hh, bias_ih, bias_hh).</summary>
public sealed class LSTMCell : Module
{
    /// <summary>Creates the cell with PyTorch's default initialisation.</summary>
    public LSTMCell(long inputSize, long hiddenSize, bool bias = true)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        var bound = 1.0 / Math.Sqrt(hiddenSize);
        RegisterParameter("weight_ih", Init.Uniform(Tensor.Empty([4 * hiddenSize, inputSize]), bound));
        RegisterParameter("weight_hh", Init.Uniform(Tensor.Empty([4 * hiddenSize, hiddenSize]), bound));
        if (!bias) return;
        RegisterParameter("bias_ih", Init.Uniform(Tensor.Empty([4 * hiddenSize]), bound));
        RegisterParameter("bias_hh", Init.Uniform(Tensor.Empty([4 * hiddenSize]), bound));
    }

    /// <summary>Width of the input.</summary>
    public long InputSize { get; }

    /// <summary>Width of the hidden state.</summary>
    public long HiddenSize { get; }

    /// <summary>One step: input (batch, in), h and c (batch, hidden) → new (h, c).</summary>
    public (Tensor H, Tensor C) Forward(Tensor input, Tensor h, Tensor c)
    {
        NativeMethods.Check(NativeMethods.cap_nn_lstm_cell(input.Handle, h.Handle, c.Handle, Required("weight_ih").Handle,
            Required("weight_hh").Handle, Tensor.HandleOrZero(Member("bias_ih")), Tensor.HandleOrZero(Member("bias_hh")),
            out var hy, out var cy));
        return (new Tensor(hy), new Tensor(cy));
    }
}
