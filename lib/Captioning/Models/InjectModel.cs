using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Captioning.Models;

/// <summary>
/// The inject architectures (Tanti, Gatt and Camilleri 2017): the image conditions the LSTM itself.
/// init-inject sets the initial state from the image; pre-inject feeds the image as the first input
/// step (Show and Tell); par-inject concatenates the image to every word. Output: dropout → Dense(V).
/// </summary>
public sealed class InjectModel : CaptionModel
{
    private readonly Linear image;
    private readonly Linear? image_cell;
    private readonly Linear output;

    /// <summary>Creates the model for an inject architecture.</summary>
    public InjectModel(CaptionModelOptions options)
        : base(nameof(InjectModel), options, options.Architecture == Architecture.ParInject ? 2 * options.EmbeddingDimension : options.EmbeddingDimension)
    {
        if (options.Architecture == Architecture.Merge) throw new ArgumentException("use MergeModel for the merge architecture");
        var stateWidth = options.Layers * options.HiddenDimension;
        // init-inject: one hidden and one cell vector per layer from the image; the others: an image "word".
        image = nn.Linear(options.FeatureDimension, options.Architecture == Architecture.InitInject ? stateWidth : options.EmbeddingDimension);
        register_module(nameof(image), image);
        if (options.Architecture == Architecture.InitInject)
        {
            image_cell = nn.Linear(options.FeatureDimension, stateWidth);
            register_module(nameof(image_cell), image_cell);
        }
        output = nn.Linear(options.HiddenDimension, options.VocabularySize);
        register_module(nameof(output), output);
    }

    private Tensor ImageVector(Tensor features, Linear projection) => functional.relu(projection.call(drop_image.call(features))); // (B, E) or (B, L*H)

    // Rows (B, L*H) → (L, B, H), the layout torch.nn.LSTM takes its state in.
    private Tensor PerLayer(Tensor rows) => rows.reshape(rows.shape[0], Options.Layers, Options.HiddenDimension).permute(1, 0, 2).contiguous();

    private LstmState InitialState(Tensor features)
    {
        if (Options.Architecture != Architecture.InitInject) return ZeroState(features);
        var hidden = PerLayer(ImageVector(features, image).tanh()); // (L, B, H)
        var cell = PerLayer(ImageVector(features, image_cell!)); // (L, B, H)
        return new LstmState(hidden, cell);
    }

    private Tensor Logits(Tensor hidden) => output.call(drop.call(hidden)); // (B[, T], V)

    /// <inheritdoc/>
    public override Tensor forward(Tensor features, Tensor inputIds)
    {
        using var scope = NewDisposeScope();
        var words = drop.call(embed.call(inputIds)); // (B, T, E)
        var state = InitialState(features); // (L, B, H) x2
        Tensor text;
        switch (Options.Architecture)
        {
            case Architecture.PreInject:
            {
                var imageWord = ImageVector(features, image).unsqueeze(1); // (B, 1, E)
                var (all, _) = RunLstm(cat([imageWord, words], 1), state); // (B, 1 + T, H)
                text = all.narrow(1, 1, inputIds.shape[1]); // outputs after each word, (B, T, H)
                break;
            }
            case Architecture.ParInject:
            {
                var imageWords = ImageVector(features, image).unsqueeze(1).expand(-1, inputIds.shape[1], -1); // (B, T, E)
                (text, _) = RunLstm(cat([words, imageWords], 2), state); // (B, T, H)
                break;
            }
            default:
                (text, _) = RunLstm(words, state); // (B, T, H)
                break;
        }
        return Logits(text).MoveToOuterDisposeScope(); // (B, T, V)
    }

    /// <inheritdoc/>
    public override DecoderState Start(Tensor features)
    {
        using var scope = NewDisposeScope();
        var state = InitialState(features); // (L, B, H) x2
        switch (Options.Architecture)
        {
            case Architecture.PreInject:
            {
                var (_, next) = LstmStep(ImageVector(features, image), state); // the image is the first input step
                return new DecoderState(next, null).MoveToOuterDisposeScope();
            }
            case Architecture.ParInject:
                return new DecoderState(state, ImageVector(features, image)).MoveToOuterDisposeScope(); // image (B, E) joins every word
            default:
                return new DecoderState(state, null).MoveToOuterDisposeScope();
        }
    }

    /// <inheritdoc/>
    public override (Tensor Logits, DecoderState State) Step(Tensor tokens, DecoderState state)
    {
        using var scope = NewDisposeScope();
        var words = drop.call(embed.call(tokens)); // (B, E)
        var input = Options.Architecture == Architecture.ParInject ? cat([words, state.Image!], 1) : words; // (B, E) or (B, 2E)
        var (text, lstmState) = LstmStep(input, state.Lstm); // (B, H)
        var logits = Logits(text).MoveToOuterDisposeScope(); // (B, V)
        var carried = state.Image?.alias().MoveToOuterDisposeScope();
        return (logits, new DecoderState(lstmState.MoveToOuterDisposeScope(), carried));
    }
}
