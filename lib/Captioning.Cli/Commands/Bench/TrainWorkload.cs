using System.Diagnostics;
using Captioning.Inference;
using Captioning.Models;
using Captioning.Torch;
using Captioning.Torch.NN;
using Captioning.Torch.Optim;

namespace Captioning.Cli.Commands;

/// <summary>
/// The tutorial's merge model at Flickr8k sizes (V = 7,579, E = H = 256, 4,096-d features): teacher-forced
/// Adam steps on batches of 64 captions x 20 tokens without padding, in target tokens per second.
/// </summary>
internal static class TrainWorkload
{
    internal const int Batch = 64;
    internal const int Steps = 20;
    internal const int Vocabulary = 7579;
    internal const int FeatureDimension = 4096;

    internal static CaptionModel TutorialMerge() =>
        CaptionModelFactory.Create(new CaptionModelOptions(Architecture.Merge, Vocabulary, FeatureDimension));

    internal static BenchResult Run(BenchSettings settings)
    {
        TorchRuntime.ManualSeed(0);
        using var model = TutorialMerge();
        using var optimizer = new Adam(model.Parameters(), 1e-3);
        using var features = Tensor.Randn([Batch, FeatureDimension]); // (64, 4096)
        using var input = Tensor.RandInt(4, Vocabulary, [Batch, Steps]); // (64, 20)
        using var target = Tensor.RandInt(4, Vocabulary, [Batch * Steps]); // (1280)
        void Step()
        {
            using var scope = DisposeScope.Enter();
            var logits = model.Forward(features, input).Reshape(-1, Vocabulary); // (1280, V)
            var loss = Functional.CrossEntropy(logits, target, ignoreIndex: 0);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
        }
        for (var i = 0; i < settings.Warmup; i++) Step();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < settings.Iterations; i++) Step();
        return new BenchResult(Batch * Steps * settings.Iterations / clock.Elapsed.TotalSeconds, "tokens/s");
    }
}

/// <summary>Beam 3, at most 20 words, over 20 images with random 4,096-d features and a random merge model of the tutorial's sizes, in captions per second.</summary>
internal static class DecodeWorkload
{
    internal const int Images = 20;

    internal static BenchResult Run(BenchSettings settings)
    {
        TorchRuntime.ManualSeed(0);
        using var model = TrainWorkload.TutorialMerge();
        using var features = Tensor.Randn([Images, TrainWorkload.FeatureDimension]); // (20, 4096)
        var options = new DecodeOptions(BeamSize: 3, MaxLength: 20, BatchSize: Images);
        for (var i = 0; i < settings.Warmup; i++) CaptionDecoder.Decode(model, features, options);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < settings.Iterations; i++) CaptionDecoder.Decode(model, features, options);
        return new BenchResult(Images * settings.Iterations / clock.Elapsed.TotalSeconds, "captions/s");
    }
}
