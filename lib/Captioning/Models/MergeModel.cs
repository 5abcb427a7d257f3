using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Captioning.Models;

/// <summary>
/// The tutorial's merge model (Tanti et al.): image → dropout → Dense(H) ReLU; words → embedding →
/// dropout → LSTM(H); the two vectors added (or concatenated) → Dense(H) ReLU → Dense(V).
/// </summary>
public sealed class MergeModel : CaptionModel
{
    private readonly Linear image;
    private readonly Linear decoder;
    private readonly Linear output;

    /// <summary>Creates the model with PyTorch's default initialisation.</summary>
    public MergeModel(CaptionModelOptions options) : base(nameof(MergeModel), options, options.EmbeddingDimension)
    {
        var h = options.HiddenDimension;
        image = nn.Linear(options.FeatureDimension, h);
        decoder = nn.Linear(options.Combine == MergeCombine.Add ? h : 2 * h, h);
        output = nn.Linear(h, options.VocabularySize);
        register_module(nameof(image), image);
        register_module(nameof(decoder), decoder);
        register_module(nameof(output), output);
    }

    private Tensor EncodeImage(Tensor features) => functional.relu(image.call(drop_image.call(features))); // (B, H)

    private Tensor Head(Tensor imageVector, Tensor text)
    {
        // imageVector (B, H) or (B, 1, H); text (B[, T], H)
        var combined = Options.Combine == MergeCombine.Add
            ? imageVector + text
            : cat([imageVector.expand(text.shape), text], -1); // (B[, T], 2H)
        return output.call(functional.relu(decoder.call(combined))); // (B[, T], V)
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor features, Tensor inputIds)
    {
        using var scope = NewDisposeScope();
        var imageVector = EncodeImage(features).unsqueeze(1); // (B, 1, H)
        var words = drop.call(embed.call(inputIds)); // (B, T, E)
        var (text, _) = RunLstm(words); // (B, T, H)
        return Head(imageVector, text).MoveToOuterDisposeScope(); // (B, T, V)
    }

    /// <inheritdoc/>
    public override DecoderState Start(Tensor features)
    {
        using var scope = NewDisposeScope();
        return new DecoderState(ZeroState(features), EncodeImage(features)).MoveToOuterDisposeScope(); // (L, B, H) x2, (B, H)
    }

    /// <inheritdoc/>
    public override (Tensor Logits, DecoderState State) Step(Tensor tokens, DecoderState state)
    {
        using var scope = NewDisposeScope();
        var words = drop.call(embed.call(tokens)); // (B, E)
        var (text, lstmState) = LstmStep(words, state.Lstm); // (B, H)
        var logits = Head(state.Image!, text).MoveToOuterDisposeScope(); // (B, V)
        // The image vector is carried unchanged: the next state gets its own handle, so either state may be disposed first.
        var carried = state.Image!.alias().MoveToOuterDisposeScope();
        return (logits, new DecoderState(lstmState.MoveToOuterDisposeScope(), carried));
    }
}
