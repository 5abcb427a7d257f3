using System.Diagnostics;
using Captioning.Features;
using TorchSharp;

namespace Captioning.Cli.Commands;

/// <summary>
/// The `extract` workload: an encoder's forward pass on a batch of 8 random 224x224 images, on the bench's device, as
/// extraction runs it (evaluation mode, no autograd; each result is brought to the CPU as extraction does to write it,
/// which on CUDA also waits for the GPU to finish). VGG16 (random weights) to fc7 by default; resnet18-mlnet with its
/// bundled pretrained weights on RGB 0-255 pixels.
/// </summary>
internal static class ExtractWorkload
{
    internal const int BatchSize = 8;

    /// <summary>The encoder timed unless --encoder says otherwise.</summary>
    internal const string DefaultEncoder = EncoderNames.Vgg16;

    /// <summary>The encoders the workload can time: those that need no weights file from the user.</summary>
    internal static readonly IReadOnlyList<string> Encoders = [EncoderNames.Vgg16, EncoderNames.ResNet18MlNet];

    internal static BenchResult Run(BenchSettings settings)
    {
        TorchRuntime.ManualSeed(0);
        using var encoder = Create(settings.Encoder);
        encoder.MoveTo(settings.Device);
        // VGG16 takes normalised pixels, resnet18-mlnet RGB on the 0-255 scale.
        using var batch = settings.Encoder == EncoderNames.ResNet18MlNet
            ? torch.rand(BatchSize, 3, 224, 224, device: settings.Device).mul_(255.0) // (8, 3, 224, 224)
            : torch.randn(BatchSize, 3, 224, 224, device: settings.Device);          // (8, 3, 224, 224)
        for (var i = 0; i < settings.Warmup; i++) EncodeToCpu(encoder, batch);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < settings.Iterations; i++) EncodeToCpu(encoder, batch);
        clock.Stop();
        return new BenchResult(BatchSize * settings.Iterations / clock.Elapsed.TotalSeconds, "images/s");
    }

    private static IImageEncoder Create(string name)
    {
        if (name != EncoderNames.ResNet18MlNet) return new Vgg16Encoder();
        var encoder = new MlNetResNet18Encoder();
        MlNetResNet18Weights.Load(encoder, MlNetResNet18Weights.BundledModelPath);
        return encoder;
    }

    private static void EncodeToCpu(IImageEncoder encoder, torch.Tensor batch)
    {
        using var scope = torch.NewDisposeScope();
        encoder.Encode(batch).cpu(); // (8, D)
    }
}
