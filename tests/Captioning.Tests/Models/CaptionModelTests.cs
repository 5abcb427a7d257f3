using Captioning.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Models;

public sealed class CaptionModelTests : NativeLeakGuard
{
    public static TheoryData<string, int, MergeCombine> Variants => new()
    {
        { "merge", 1, MergeCombine.Add }, { "merge", 2, MergeCombine.Add }, { "merge", 1, MergeCombine.Concat }, { "merge", 2, MergeCombine.Concat },
        { "init-inject", 1, MergeCombine.Add }, { "init-inject", 2, MergeCombine.Add }, { "pre-inject", 1, MergeCombine.Add },
        { "pre-inject", 3, MergeCombine.Add }, { "par-inject", 1, MergeCombine.Add }, { "par-inject", 2, MergeCombine.Add },
    };

    internal static CaptionModel Small(string name, int layers = 1, long vocab = 12, MergeCombine combine = MergeCombine.Add) =>
        CaptionModelFactory.Create(new CaptionModelOptions(CaptionModelOptions.ParseArchitecture(name), vocab, 10, 6, 8, layers,
            Dropout: 0.5, LstmDropout: 0.2, Combine: combine));

    [Theory]
    [MemberData(nameof(Variants))]
    public void TeacherForcing_EqualsStepByStepDecoding(string name, int layers, MergeCombine combine)
    {
        using var model = Small(name, layers, combine: combine);
        model.eval();
        using var scope = NewDisposeScope();
        var features = randn(3, 10);
        var ids = tensor(new long[] { 1, 5, 6, 7, 1, 4, 4, 9, 1, 11, 10, 8 }, 3, 4);
        var logits = model.Forward(features, ids); // (B, T, V)
        Assert.Equal(new long[] { 3, 4, 12 }, logits.shape);
        var state = model.Start(features);
        for (var t = 0; t < 4; t++)
        {
            var (stepLogits, next) = model.Step(ids.select(1, t), state);
            state = next;
            var expected = logits.select(1, t).data<float>().ToArray();
            var actual = stepLogits.data<float>().ToArray();
            for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 4);
        }
    }

    [Fact]
    public void MergeConcat_RunsAndDiffersInShape()
    {
        using var add = Small("merge");
        using var concat = Small("merge", combine: MergeCombine.Concat);
        // The concat decoder takes 2H inputs: 8 more weights per output unit (8 x 8 = 64 more parameters).
        Assert.Equal(add.ParameterCount() + 64, concat.ParameterCount());
        using var scope = NewDisposeScope();
        Assert.Equal(new long[] { 2, 3, 12 }, concat.Forward(randn(2, 10), tensor(new long[] { 1, 4, 5, 1, 6, 7 }, 2, 3)).shape);
    }

    [Fact]
    public void BrownleeMerge_HasTheTutorialsParameterCountPlusPyTorchsSecondLstmBias()
    {
        using var model = CaptionModelFactory.Create(new CaptionModelOptions(Architecture.Merge, 7579, 4096));
        // Keras summary: 5,527,963; PyTorch's LSTM has two bias vectors per gate: + 4 x 256 = 1,024.
        Assert.Equal(5_527_963 + 1_024, model.ParameterCount());
        var sizes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.numel());
        Assert.Equal(1_940_224, sizes["embed.weight"]);
        Assert.Equal(1_048_832, sizes["image.weight"] + sizes["image.bias"]);
        Assert.Equal(1_947_803, sizes["output.weight"] + sizes["output.bias"]);
    }

    [Fact]
    public void PaddingEmbedding_StaysZeroAfterTraining()
    {
        using var model = Small("merge");
        using var opt = optim.Adam(model.parameters(), 0.1);
        using (var scope = NewDisposeScope())
        {
            var logits = model.Forward(randn(2, 10), tensor(new long[] { 1, 4, 0, 1, 5, 6 }, 2, 3));
            nn.functional.cross_entropy(logits.reshape(-1, 12), tensor(new long[] { 4, 2, 0, 5, 6, 2 }), ignore_index: 0).backward();
            opt.step();
        }
        using var row = model.named_parameters().First(p => p.name == "embed.weight").parameter.select(0, 0);
        Assert.All(row.data<float>().ToArray(), v => Assert.Equal(0f, v));
    }

    public static TheoryData<string> Architectures => new() { "merge", "init-inject", "pre-inject", "par-inject" };

    // The state after seeing only the image, flattened: the LSTM state and the carried image vector.
    private static float[] StartState(CaptionModel model, Tensor features)
    {
        using var state = model.Start(features);
        return [.. state.Lstm.H.data<float>(), .. state.Lstm.C.data<float>(), .. state.Image?.data<float>().ToArray() ?? []];
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void ImageDropout_HasItsOwnRate_WhileWordDropoutStays(string name)
    {
        TorchRuntime.ManualSeed(11);
        var architecture = CaptionModelOptions.ParseArchitecture(name);
        using var shared = CaptionModelFactory.Create(new CaptionModelOptions(architecture, 12, 10, 6, 8, Dropout: 0.5));
        using var own = CaptionModelFactory.Create(new CaptionModelOptions(architecture, 12, 10, 6, 8, Dropout: 0.5, ImageDropout: 0));
        Assert.Equal(0.5, shared.Options.ImageDropoutRate());
        Assert.Equal(0.0, own.Options.ImageDropoutRate());
        shared.train();
        own.train();
        using var scope = NewDisposeScope();
        var features = randn(3, 10);
        // Training mode: the image path of the shared rate draws a new mask each call; a zero image rate is deterministic.
        Assert.NotEqual(StartState(shared, features), StartState(shared, features));
        Assert.Equal(StartState(own, features), StartState(own, features));
        // ...while the words are still dropped: two teacher-forced passes differ.
        var ids = tensor(new long[] { 1, 5, 6, 7, 1, 4, 4, 9, 1, 11, 10, 8 }, 3, 4);
        Assert.NotEqual(own.Forward(features, ids).data<float>().ToArray(), own.Forward(features, ids).data<float>().ToArray());
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    public void ImageDropout_OutOfRange_IsRefusedWithTheValue(double rate)
    {
        var e = Assert.Throws<CaptioningException>(() => new CaptionModelOptions(Architecture.Merge, 12, 10, ImageDropout: rate).Validate());
        Assert.Equal(FormattableString.Invariant($"image dropout must be in [0, 1), got {rate}"), e.Message);
    }

    [Fact]
    public void UnknownArchitecture_ListsValidNames()
    {
        var e = Assert.Throws<CaptioningException>(() => CaptionModelOptions.ParseArchitecture("attention"));
        Assert.Equal("unknown model 'attention'; valid models: merge, init-inject, pre-inject, par-inject", e.Message);
    }
}
