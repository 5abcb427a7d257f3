using System.Diagnostics;
using Captioning.Inference;
using Captioning.Models;
using TorchSharp;
using static TorchSharp.torch;

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

    internal static CaptionModel TutorialMerge(Device device) =>
        CaptionModelFactory.Create(new CaptionModelOptions(Architecture.Merge, Vocabulary, FeatureDimension)).to(device);

    internal static BenchResult Run(BenchSettings settings)
    {
        var device = settings.Device;
        TorchRuntime.ManualSeed(0);
        using var model = TutorialMerge(device);
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
        using var features = randn(Batch, FeatureDimension, device: device); // (64, 4096)
        using var input = randint(4, Vocabulary, [Batch, Steps], device: device); // (64, 20)
        using var target = randint(4, Vocabulary, [Batch * Steps], device: device); // (1280)
        void Step()
        {
            using var scope = NewDisposeScope();
            var logits = model.Forward(features, input).reshape(-1, Vocabulary); // (1280, V)
            var loss = nn.functional.cross_entropy(logits, target, ignore_index: 0);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }
        for (var i = 0; i < settings.Warmup; i++) Step();
        Synchronize(device);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < settings.Iterations; i++) Step();
        Synchronize(device);
        return new BenchResult(Batch * Steps * settings.Iterations / clock.Elapsed.TotalSeconds, "tokens/s");
    }

    /// <summary>Waits for the device's queued kernels: CUDA runs asynchronously, so a clock read without it times the launches only.</summary>
    internal static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize(device);
    }
}

/// <summary>Beam 3, at most 20 words, over 20 images with random 4,096-d features and a random merge model of the tutorial's sizes, in captions per second.</summary>
internal static class DecodeWorkload
{
    internal const int Images = 20;

    internal static BenchResult Run(BenchSettings settings)
    {
        var device = settings.Device;
        TorchRuntime.ManualSeed(0);
        using var model = TrainWorkload.TutorialMerge(device);
        using var features = randn(Images, TrainWorkload.FeatureDimension, device: device); // (20, 4096)
        var options = new DecodeOptions(BeamSize: 3, MaxLength: 20, BatchSize: Images);
        for (var i = 0; i < settings.Warmup; i++) CaptionDecoder.Decode(model, features, options);
        // Decode returns token arrays on the host, so each call has already waited for the device.
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < settings.Iterations; i++) CaptionDecoder.Decode(model, features, options);
        return new BenchResult(Images * settings.Iterations / clock.Elapsed.TotalSeconds, "captions/s");
    }
}
