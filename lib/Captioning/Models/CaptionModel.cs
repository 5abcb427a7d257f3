using Captioning.Torch;
using Captioning.Torch.NN;

namespace Captioning.Models;

/// <summary>
/// One interface for every architecture: teacher-forced logits for whole caption batches, and
/// start/step for decoding with cached LSTM state. Create through <see cref="CaptionModelFactory"/>.
/// </summary>
public abstract class CaptionModel : Module
{
    /// <summary>Builds the parts every architecture shares: word embedding and LSTM.</summary>
    protected CaptionModel(CaptionModelOptions options, long lstmInput)
    {
        Options = options.Validate();
        Embed = RegisterModule("embed", new Embedding(options.VocabularySize, options.EmbeddingDimension, CaptionModelOptions.PadId));
        Lstm = RegisterModule("lstm", new LSTM(lstmInput, options.HiddenDimension, options.Layers, batchFirst: true, dropout: options.Layers > 1 ? options.LstmDropout : 0));
    }

    /// <summary>The sizes this model was built with.</summary>
    public CaptionModelOptions Options { get; }

    /// <summary>Word embedding (vocabulary, embedding).</summary>
    protected Embedding Embed { get; }

    /// <summary>The recurrent text encoder.</summary>
    protected LSTM Lstm { get; }

    /// <summary>Dropout that is active only in training mode.</summary>
    protected Tensor Drop(Tensor x) => Dropped(x, Options.Dropout);

    /// <summary>Dropout on the image feature (its own rate when the options set one), active only in training mode.</summary>
    protected Tensor DropImage(Tensor features) => Dropped(features, Options.ImageDropoutRate());

    private Tensor Dropped(Tensor x, double rate) => Training && rate > 0 ? Functional.Dropout(x, rate, true) : x.Alias();

    /// <summary>
    /// Teacher forcing: features (B, D) and input ids (B, T) starting with &lt;start&gt; give logits
    /// (B, T, V) where position t predicts input t+1 (the target sequence).
    /// </summary>
    public abstract Tensor Forward(Tensor features, Tensor inputIds);

    /// <summary>The decoding state after seeing only the image, one row per image.</summary>
    public abstract DecoderState Start(Tensor features);

    /// <summary>Feeds one token per row (B) and returns next-token logits (B, V) and the new state.</summary>
    public abstract (Tensor Logits, DecoderState State) Step(Tensor tokens, DecoderState state);
}
