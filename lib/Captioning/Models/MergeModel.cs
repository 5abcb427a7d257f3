using Captioning.Torch;
using Captioning.Torch.NN;

namespace Captioning.Models;

/// <summary>
/// The tutorial's merge model (Tanti et al.): image → dropout → Dense(H) ReLU; words → embedding →
/// dropout → LSTM(H); the two vectors added (or concatenated) → Dense(H) ReLU → Dense(V).
/// </summary>
public sealed class MergeModel : CaptionModel
{
    private readonly Linear imageProjection;
    private readonly Linear decoder;
    private readonly Linear output;

    /// <summary>Creates the model with PyTorch's default initialisation.</summary>
    public MergeModel(CaptionModelOptions options) : base(options, options.EmbeddingDimension)
    {
        var h = options.HiddenDimension;
        imageProjection = RegisterModule("image", new Linear(options.FeatureDimension, h));
        decoder = RegisterModule("decoder", new Linear(options.Combine == MergeCombine.Add ? h : 2 * h, h));
        output = RegisterModule("output", new Linear(h, options.VocabularySize));
    }

    private Tensor EncodeImage(Tensor features)
    {
        using var dropped = DropImage(features); // (B, D)
        using var projected = imageProjection.Forward(dropped); // (B, H)
        return projected.Relu();
    }

    private Tensor Head(Tensor image, Tensor text)
    {
        // image (B, H) or (B, 1, H); text (B[, T], H)
        using var combined = Options.Combine == MergeCombine.Add ? image + text : Tensor.Cat([image.Expand(text.Shape), text], -1);
        using var hidden = decoder.Forward(combined);
        using var activated = hidden.Relu();
        return output.Forward(activated); // (B[, T], V)
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor features, Tensor inputIds)
    {
        using var scope = DisposeScope.Enter();
        var image = EncodeImage(features).Unsqueeze(1); // (B, 1, H)
        var words = Drop(Embed.Forward(inputIds)); // (B, T, E)
        var (text, _) = Lstm.Forward(words); // (B, T, H)
        return Head(image, text).MoveToOuterScope(); // (B, T, V)
    }

    /// <inheritdoc/>
    public override DecoderState Start(Tensor features)
    {
        var batch = features.Size(0);
        return new DecoderState(Lstm.ZeroState(batch, features.Device), EncodeImage(features));
    }

    /// <inheritdoc/>
    public override (Tensor Logits, DecoderState State) Step(Tensor tokens, DecoderState state)
    {
        using var scope = DisposeScope.Enter();
        var words = Drop(Embed.Forward(tokens)); // (B, E)
        var (text, lstm) = Lstm.Step(words, state.Lstm); // (B, H)
        var logits = Head(state.Image!, text).MoveToOuterScope(); // (B, V)
        var image = state.Image!.Alias().MoveToOuterScope();
        return (logits, new DecoderState(lstm.MoveToOuterScope(), image));
    }
}
