using Captioning.Inference;
using Captioning.Tests.Models;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Inference;

/// <summary>
/// Decoding returns no tensors, so it must leave none alive. Checked without a dispose scope around the
/// call: the other decoder tests open one, which would quietly collect what a broken decoder leaves behind.
/// </summary>
public sealed class CaptionDecoderLeakTests : NativeLeakGuard
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Decode_LeavesNoTensorsAlive(int beam)
    {
        using var model = CaptionModelTests.Small("merge", 2);
        using var features = randn(5, 10); // (5, D)
        var before = LiveTensors();
        var captions = CaptionDecoder.Decode(model, features, new DecodeOptions(BeamSize: beam, MaxLength: 6, BatchSize: 2));
        Assert.Equal(5, captions.Count);
        Assert.Equal(before, LiveTensors());
    }
}
