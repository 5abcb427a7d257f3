using Captioning.Torch;
using Captioning.Torch.NN;

namespace Captioning.Models;

/// <summary>
/// The inject architectures (Tanti, Gatt and Camilleri 2017): the image conditions the LSTM itself.
/// init-inject sets the initial state from the image; pre-inject feeds the image as the first input
/// step (Show and Tell); par-inject concatenates the image to every word. Output: dropout → Dense(V).
/// </summary>
public sealed class InjectModel : CaptionModel
{
    private readonly Linear image;
    private readonly Linear? initCell;
    private readonly Linear output;

    /// <summary>Creates the model for an inject architecture.</summary>
    public InjectModel(CaptionModelOptions options)
        : base(options, options.Architecture == Architecture.ParInject ? 2 * options.EmbeddingDimension : options.EmbeddingDimension)
    {
        if (options.Architecture == Architecture.Merge) throw new ArgumentException("use MergeModel for the merge architecture");
        var l = options.Layers;
        var h = options.HiddenDimension;
        switch (options.Architecture)
        {
            case Architecture.InitInject:
                // One hidden and one cell vector per layer from the image.
                image = RegisterModule("image", new Linear(options.FeatureDimension, l * h));
                initCell = RegisterModule("image_cell", new Linear(options.FeatureDimension, l * h));
                break;
            default:
                image = RegisterModule("image", new Linear(options.FeatureDimension, options.EmbeddingDimension));
                break;
        }
        output = RegisterModule("output", new Linear(h, options.VocabularySize));
    }

    private Tensor ImageVector(Tensor features, Linear projection)
    {
        using var dropped = DropImage(features); // (B, D)
        using var projected = projection.Forward(dropped);
        return projected.Relu(); // (B, E) or (B, L*H)
    }

    private LstmState InitialState(Tensor features)
    {
        var batch = features.Size(0);
        if (Options.Architecture != Architecture.InitInject) return Lstm.ZeroState(batch, features.Device);
        using var scope = DisposeScope.Enter();
        var l = Options.Layers;
        var h = Options.HiddenDimension;
        var hidden = ImageVector(features, image).Tanh().Reshape(batch, l, h).Permute(1, 0, 2).Contiguous(); // (L, B, H)
        var cell = ImageVector(features, initCell!).Reshape(batch, l, h).Permute(1, 0, 2).Contiguous(); // (L, B, H)
        return new LstmState(hidden.MoveToOuterScope(), cell.MoveToOuterScope());
    }

    private Tensor Logits(Tensor hidden)
    {
        using var dropped = Drop(hidden);
        return output.Forward(dropped); // (B[, T], V)
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor features, Tensor inputIds)
    {
        using var scope = DisposeScope.Enter();
        var words = Drop(Embed.Forward(inputIds)); // (B, T, E)
        var state = InitialState(features);
        Tensor text;
        switch (Options.Architecture)
        {
            case Architecture.PreInject:
            {
                var img = ImageVector(features, image).Unsqueeze(1); // (B, 1, E)
                var (all, _) = Lstm.Forward(Tensor.Cat([img, words], 1), state); // (B, 1 + T, H)
                text = all.Narrow(1, 1, inputIds.Size(1)); // outputs after each word
                break;
            }
            case Architecture.ParInject:
            {
                var img = ImageVector(features, image).Unsqueeze(1).Expand(-1, inputIds.Size(1), -1); // (B, T, E)
                (text, _) = Lstm.Forward(Tensor.Cat([words, img], 2), state); // (B, T, H)
                break;
            }
            default:
                (text, _) = Lstm.Forward(words, state); // (B, T, H)
                break;
        }
        return Logits(text).MoveToOuterScope(); // (B, T, V)
    }

    /// <inheritdoc/>
    public override DecoderState Start(Tensor features)
    {
        using var scope = DisposeScope.Enter();
        var state = InitialState(features);
        switch (Options.Architecture)
        {
            case Architecture.PreInject:
            {
                var img = ImageVector(features, image); // (B, E)
                var (_, next) = Lstm.Step(img, state);
                return new DecoderState(next, null).MoveToOuterScope();
            }
            case Architecture.ParInject:
                return new DecoderState(state, ImageVector(features, image)).MoveToOuterScope();
            default:
                return new DecoderState(state, null).MoveToOuterScope();
        }
    }

    /// <inheritdoc/>
    public override (Tensor Logits, DecoderState State) Step(Tensor tokens, DecoderState state)
    {
        using var scope = DisposeScope.Enter();
        var words = Drop(Embed.Forward(tokens)); // (B, E)
        var input = Options.Architecture == Architecture.ParInject ? Tensor.Cat([words, state.Image!], 1) : words;
        var (text, lstm) = Lstm.Step(input, state.Lstm); // (B, H)
        var logits = Logits(text).MoveToOuterScope();
        var carried = state.Image?.Alias().MoveToOuterScope();
        return (logits, new DecoderState(lstm.MoveToOuterScope(), carried));
    }
}
