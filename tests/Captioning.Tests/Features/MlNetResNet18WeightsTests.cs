using Captioning.Features;
using Captioning.Tests.Weights;
using Xunit;

namespace Captioning.Tests.Features;

/// <summary>How resnet18-mlnet's ONNX files map onto the network, and how unusable files are refused.</summary>
public sealed class MlNetResNet18WeightsTests : NativeLeakGuard
{
    private readonly string folder = Directory.CreateTempSubdirectory("resnet18-mlnet-weights-").FullName;

    [Fact]
    public void KeyOf_MapsThe110InitializersOntoEveryLearnedTensorOfTheNetwork()
    {
        using var encoder = new MlNetResNet18Encoder();
        var learned = encoder.state_dict().Keys.Where(k => !k.EndsWith(".num_batches_tracked", StringComparison.Ordinal) && k != "mean_image").Order(StringComparer.Ordinal);
        Assert.Equal(110, MlNetResNet18Weights.KeyOf.Count);
        Assert.Equal(learned, MlNetResNet18Weights.KeyOf.Values.Order(StringComparer.Ordinal));
        Assert.Equal("conv1.weight", MlNetResNet18Weights.KeyOf["Parameter91"]);
        Assert.Equal("layer2.0.downsample.0.weight", MlNetResNet18Weights.KeyOf["Parameter199"]);
        Assert.Equal("layer4.2.bn2.running_var", MlNetResNet18Weights.KeyOf["Constant420"]);
        Assert.Equal(512, encoder.FeatureDimension);
    }

    [Fact]
    public void BundledModel_IsCopiedBesideTheLibraryByTheBuild()
    {
        Assert.True(File.Exists(MlNetResNet18Weights.BundledModelPath), MlNetResNet18Weights.BundledModelPath);
        Assert.Equal(63_653_533, new FileInfo(MlNetResNet18Weights.BundledModelPath).Length);
        Assert.EndsWith("DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx", MlNetResNet18Weights.PreprocessPathFor(MlNetResNet18Weights.BundledModelPath));
    }

    [Fact]
    public void Load_ThrowsForMissingModelNamingItAndThePackage()
    {
        var path = Path.Combine(folder, "ResNet18.onnx");
        using var encoder = new MlNetResNet18Encoder();
        var e = Assert.Throws<CaptioningException>(() => MlNetResNet18Weights.Load(encoder, path));
        Assert.StartsWith($"'{path}' (resnet18-mlnet weights): file not found; expected the files of the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1", e.Message);
    }

    [Fact]
    public void Load_ThrowsForTruncatedModelNamingIt()
    {
        var path = Path.Combine(folder, "ResNet18.onnx");
        using (var source = File.OpenRead(MlNetResNet18Weights.BundledModelPath))
        using (var target = File.Create(path))
        {
            var head = new byte[20_000_000];
            source.ReadExactly(head);
            target.Write(head);
        }
        CopyPreprocess();
        using var encoder = new MlNetResNet18Encoder();
        var e = Assert.Throws<CaptioningException>(() => MlNetResNet18Weights.Load(encoder, path));
        Assert.StartsWith($"'{path}' is not a readable ONNX model (20,000,000 bytes): the data ends inside a field", e.Message);
    }

    [Fact]
    public void Load_ThrowsListingMissingUnexpectedAndMisShapedInitializers()
    {
        var path = Path.Combine(folder, "ResNet18.onnx");
        File.WriteAllBytes(path, OnnxBytes.Model(
            OnnxBytes.FloatTensor("Parameter91", [64, 3, 3, 3], new float[64 * 27]),
            OnnxBytes.FloatTensor("Bogus", [1], [0])));
        CopyPreprocess();
        using var encoder = new MlNetResNet18Encoder();
        var e = Assert.Throws<CaptioningException>(() => MlNetResNet18Weights.Load(encoder, path));
        Assert.StartsWith($"'{path}' does not hold the tensors resnet18-mlnet expects: missing initializers (109): Parameter96, Parameter97, Constant98, Constant99, Parameter86, Parameter113, Parameter114, Constant115, ... (101 more); ", e.Message);
        Assert.EndsWith("unexpected initializers (1): Bogus; shape mismatches (1): Parameter91 (conv1.weight): expected [64, 3, 7, 7], got [64, 3, 3, 3]; expected the files of the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (rebuild to restore them, or pass its ResNet18.onnx with --weights)", e.Message);
    }

    [Fact]
    public void Load_ThrowsForAMeanImageOfTheWrongShape()
    {
        var path = Path.Combine(folder, "ResNet18.onnx");
        File.Copy(MlNetResNet18Weights.BundledModelPath, path);
        var preprocess = Path.Combine(folder, "ResNetPreprocess.onnx");
        File.WriteAllBytes(preprocess, OnnxBytes.Model(OnnxBytes.FloatTensor("MeanImage", [1, 3, 2, 2], new float[12])));
        using var encoder = new MlNetResNet18Encoder();
        var e = Assert.Throws<CaptioningException>(() => MlNetResNet18Weights.Load(encoder, path));
        Assert.StartsWith($"'{preprocess}' does not hold the tensors resnet18-mlnet expects: shape mismatches (1): MeanImage (mean_image): expected [1, 3, 224, 224], got [1, 3, 2, 2]", e.Message);
    }

    private void CopyPreprocess() =>
        File.Copy(MlNetResNet18Weights.PreprocessPathFor(MlNetResNet18Weights.BundledModelPath), Path.Combine(folder, "ResNetPreprocess.onnx"));

    public override void Dispose()
    {
        Directory.Delete(folder, recursive: true);
        base.Dispose();
    }
}
