using System.Diagnostics;
using Captioning.Features;
using Captioning.Torch;

namespace Captioning.Cli.Commands;

/// <summary>The `extract` workload: VGG16 (random weights) forward to fc7 on a batch of 8 random 224x224 images.</summary>
internal static class ExtractWorkload
{
    internal const int BatchSize = 8;

    internal static BenchResult Run(BenchSettings settings)
    {
        TorchRuntime.ManualSeed(0);
        using var encoder = new Vgg16Encoder();
        using var batch = Tensor.Randn([BatchSize, 3, encoder.InputSize, encoder.InputSize]); // (8, 3, 224, 224)
        for (var i = 0; i < settings.Warmup; i++) encoder.Encode(batch).Dispose();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < settings.Iterations; i++) encoder.Encode(batch).Dispose(); // (8, 4096)
        clock.Stop();
        return new BenchResult(BatchSize * settings.Iterations / clock.Elapsed.TotalSeconds, "images/s");
    }
}
