using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Captioning.Models;

/// <summary>
/// One interface for every architecture: teacher-forced logits for whole caption batches, and
/// start/step for decoding with cached LSTM state. Create through <see cref="CaptionModelFactory"/>.
/// Submodules are named as in bench/pytorch_reference.py, so state-dict keys equal PyTorch's
/// (embed.weight, lstm.weight_ih_l0, ...) and weights move between the two by name.
/// </summary>
public abstract class CaptionModel : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>Word embedding (vocabulary, embedding); the padding row starts at zero and gets no gradient.</summary>
    protected readonly Embedding embed;

    /// <summary>The recurrent text encoder, batch first; dropout between stacked layers in training mode.</summary>
    protected readonly LSTM lstm;

    /// <summary>Dropout on the word embeddings (and the inject models' LSTM output).</summary>
    protected readonly Dropout drop;

    /// <summary>Dropout on the image feature.</summary>
    protected readonly Dropout drop_image;

    /// <summary>Builds the parts every architecture shares: word embedding and LSTM (drawn from the default generator in this order).</summary>
    protected CaptionModel(string name, CaptionModelOptions options, long lstmInput) : base(name)
    {
        Options = options.Validate();
        embed = nn.Embedding(options.VocabularySize, options.EmbeddingDimension, padding_idx: CaptionModelOptions.PadId);
        lstm = nn.LSTM(lstmInput, options.HiddenDimension, options.Layers, batchFirst: true, dropout: options.Layers > 1 ? options.LstmDropout : 0);
        drop = nn.Dropout(options.Dropout);
        drop_image = nn.Dropout(options.ImageDropoutRate());
        register_module(nameof(embed), embed);
        register_module(nameof(lstm), lstm);
        register_module(nameof(drop), drop);
        register_module(nameof(drop_image), drop_image);
    }

    /// <summary>The word embedding (vocabulary, embedding), e.g. to start it from pretrained word vectors or to freeze it.</summary>
    public Embedding WordEmbedding => embed;

    /// <summary>The sizes this model was built with.</summary>
    public CaptionModelOptions Options { get; }

    /// <summary>The device the weights live on; decoding and training run there.</summary>
    public Device Device
    {
        get
        {
            using var weight = embed.weight!; // TorchSharp hands out a new handle on every read
            return weight.device;
        }
    }

    /// <summary>
    /// Teacher forcing: features (B, D) and input ids (B, T) starting with &lt;start&gt; give logits
    /// (B, T, V) where position t predicts input t+1 (the target sequence).
    /// </summary>
    public Tensor Forward(Tensor features, Tensor inputIds) => forward(features, inputIds);

    /// <summary>The decoding state after seeing only the image, one row per image.</summary>
    public abstract DecoderState Start(Tensor features);

    /// <summary>Feeds one token per row (B) and returns next-token logits (B, V) and the new state.</summary>
    public abstract (Tensor Logits, DecoderState State) Step(Tensor tokens, DecoderState state);

    /// <summary>
    /// Runs whole sequences (B, T, F) through the LSTM from <paramref name="state"/> (default zeros): the top layer's
    /// outputs (B, T, H) and the final state (L, B, H) x2.
    /// </summary>
    /// <remarks>
    /// libtorch 2.10's CPU LSTM (TorchSharp 0.107) returns wrong outputs when autograd is off, off by up to 0.4 on
    /// unit-scale inputs (its inference path; CaptionModelOracleTests.WithoutAutograd_EqualsPyTorch checks our path against PyTorch).
    /// Decoding and validation run without gradients, so on the CPU the LSTM runs with autograd on there and its outputs
    /// are detached: the graph it records is dropped with the temporaries of the caller's dispose scope.
    /// </remarks>
    protected (Tensor Output, LstmState State) RunLstm(Tensor input, LstmState? state = null)
    {
        var initial = state == null ? ((Tensor, Tensor)?)null : (state.H, state.C);
        if (is_grad_enabled() || input.device_type != DeviceType.CPU)
        {
            var (output, h, c) = lstm.call(input, initial);
            return (output, new LstmState(h, c));
        }
        using (enable_grad())
        {
            var (output, h, c) = lstm.call(input, initial);
            return (output.detach(), new LstmState(h.detach(), c.detach()));
        }
    }

    /// <summary>Runs one input step (B, F) through the LSTM from <paramref name="state"/>: output (B, H) and the new state.</summary>
    protected (Tensor Output, LstmState State) LstmStep(Tensor input, LstmState state)
    {
        var (output, next) = RunLstm(input.unsqueeze(1), state); // (B, 1, H), (L, B, H) x2
        return (output.squeeze(1), next); // (B, H)
    }

    /// <summary>A zero LSTM state for the rows of <paramref name="features"/>, on their device.</summary>
    protected LstmState ZeroState(Tensor features) => LstmState.Zeros(Options.Layers, features.shape[0], Options.HiddenDimension, features);

    /// <summary>Total number of learnable scalars.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());
}
