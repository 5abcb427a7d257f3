using Captioning.Models;
using Captioning.Tests.Data;
using Captioning.Training;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Models;

public class ModelDefinitionTests : NativeLeakGuard
{
    private static readonly CaptionModelOptions Options = new(Architecture.Merge, VocabularySize: 13, FeatureDimension: 6, EmbeddingDimension: 4, HiddenDimension: 4);

    [Fact]
    public void Check_MatchesForTheLibrarysOwnMergeModel()
    {
        TorchRuntime.ManualSeed(3);
        using var model = new MergeModel(Options);
        Assert.Equal(new ModelDefinition("MergeModel", "merge", true, null), ModelDefinition.Check(model, Options));
        Assert.True(model.training);
    }

    [Fact]
    public void Check_NamesTheGapForAModelThatComputesSomethingElse()
    {
        TorchRuntime.ManualSeed(3);
        using var model = new TanhMergeModel(Options);
        var definition = ModelDefinition.Check(model, Options);
        Assert.False(definition.MatchesLibrary);
        Assert.Equal("TanhMergeModel", definition.Type);
        Assert.StartsWith("the same weights give logits up to ", definition.Difference);
    }

    [Fact]
    public void Check_NamesTheKeysOfAModelWithOtherLayers()
    {
        using var model = new TanhMergeModel(Options, extra: true);
        var definition = ModelDefinition.Check(model, Options);
        Assert.Equal("state-dict keys differ (library only: none; TanhMergeModel only: extra.bias, extra.weight)", definition.Difference);
    }

    [Fact]
    public void LoadModel_RefusesARunTrainedFromADifferentDefinition()
    {
        using var temp = new TempFolder();
        var run = new RunFolder(temp.Path);
        new ModelDefinition("TanhMergeModel", "merge", false, "the same weights give logits up to 0.3 apart from the library's merge model").WriteTo(run);
        var e = Assert.Throws<CaptioningException>(() => ModelDefinition.EnsureLibraryCanLoad(run));
        Assert.StartsWith($"run '{run.Path}' was trained from TanhMergeModel, a model defined in a notebook cell that differs from the library's merge model (the same weights give logits up to 0.3", e.Message);
        new ModelDefinition("TutorialMergeModel", "merge", true, null).WriteTo(run);
        ModelDefinition.EnsureLibraryCanLoad(run);
        Assert.Equal(new ModelDefinition("TutorialMergeModel", "merge", true, null), ModelDefinition.Read(run));
    }

    /// <summary>The merge model with tanh where the library has ReLU (an edit a reader might make), optionally with one more layer.</summary>
    private sealed class TanhMergeModel : CaptionModel
    {
        private readonly Linear image;
        private readonly Linear decoder;
        private readonly Linear output;

        public TanhMergeModel(CaptionModelOptions options, bool extra = false) : base(nameof(TanhMergeModel), options, options.EmbeddingDimension)
        {
            image = nn.Linear(options.FeatureDimension, options.HiddenDimension);
            decoder = nn.Linear(options.HiddenDimension, options.HiddenDimension);
            output = nn.Linear(options.HiddenDimension, options.VocabularySize);
            register_module(nameof(image), image);
            register_module(nameof(decoder), decoder);
            register_module(nameof(output), output);
            if (extra) register_module("extra", nn.Linear(2, 2));
        }

        private Tensor Image(Tensor features) => nn.functional.tanh(image.call(drop_image.call(features))); // (B, H)

        private Tensor Head(Tensor imageVector, Tensor text) => output.call(nn.functional.tanh(decoder.call(imageVector + text))); // (B[, T], V)

        public override Tensor forward(Tensor features, Tensor inputIds)
        {
            using var scope = NewDisposeScope();
            var (text, _) = RunLstm(drop.call(embed.call(inputIds))); // (B, T, H)
            return Head(Image(features).unsqueeze(1), text).MoveToOuterDisposeScope(); // (B, T, V)
        }

        public override DecoderState Start(Tensor features)
        {
            using var scope = NewDisposeScope();
            return new DecoderState(ZeroState(features), Image(features)).MoveToOuterDisposeScope();
        }

        public override (Tensor Logits, DecoderState State) Step(Tensor tokens, DecoderState state)
        {
            using var scope = NewDisposeScope();
            var (text, lstmState) = LstmStep(drop.call(embed.call(tokens)), state.Lstm); // (B, H)
            var logits = Head(state.Image!, text).MoveToOuterDisposeScope(); // (B, V)
            return (logits, new DecoderState(lstmState.MoveToOuterDisposeScope(), state.Image!.alias().MoveToOuterDisposeScope()));
        }
    }
}
