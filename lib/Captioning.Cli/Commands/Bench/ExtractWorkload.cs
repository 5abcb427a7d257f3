using System.Diagnostics;
using Captioning.Features;
using TorchSharp;

namespace Captioning.Cli.Commands;

/// <summary>
/// The `extract` workload: VGG16 (random weights) forward to fc7 on a batch of 8 random 224x224 images, on the
/// bench's device, as extraction runs it (evaluation mode, no autograd; each result is brought to the CPU as
/// extraction does to write it, which on CUDA also waits for the GPU to finish).
/// </summary>
internal static class ExtractWorkload
{
    internal const int BatchSize = 8;

    internal static BenchResult Run(BenchSettings settings)
    {
        TorchRuntime.ManualSeed(0);
        using var encoder = new Vgg16Encoder();
        encoder.MoveTo(settings.Device);
        using var batch = torch.randn(BatchSize, 3, encoder.InputSize, encoder.InputSize, device: settings.Device); // (8, 3, 224, 224)
        for (var i = 0; i < settings.Warmup; i++) EncodeToCpu(encoder, batch);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < settings.Iterations; i++) EncodeToCpu(encoder, batch);
        clock.Stop();
        return new BenchResult(BatchSize * settings.Iterations / clock.Elapsed.TotalSeconds, "images/s");
    }

    private static void EncodeToCpu(Vgg16Encoder encoder, torch.Tensor batch)
    {
        using var scope = torch.NewDisposeScope();
        encoder.Encode(batch).cpu(); // (8, 4096)
    }
}
