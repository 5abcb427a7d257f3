using Captioning.Data;
using Captioning.Features;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Captioning.Tests.Features;

/// <summary>The encoder and images the resnet18-mlnet tests share: the bundled weights, a synthetic scene and Debian's photograph.</summary>
public sealed class MlNetResNet18Fixture : IDisposable
{
    /// <summary>Debian's sample photograph (package python-matplotlib-data, installed by environment/setup --test-deps).</summary>
    public const string Photo = "/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg";

    public MlNetResNet18Fixture()
    {
        Source = PretrainedFeatureSource.LoadMlNetResNet18();
        Folder = Directory.CreateTempSubdirectory("resnet18-mlnet-").FullName;
        SyntheticDataset.Generate(Folder, images: 8, seed: 1, sizePx: 112, threads: 1);
        Scene = Path.Combine(Folder, Flickr8kLoader.ImageFolder, SyntheticDataset.FileName(0));
    }

    public PretrainedFeatureSource Source { get; }

    public string Folder { get; }

    /// <summary>A rendered shape scene (synthetic dataset image 0, 112x112).</summary>
    public string Scene { get; }

    public void Dispose()
    {
        Source.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>
/// resnet18-mlnet against ONNX Runtime running the package's own two graphs (ResNetPreprocess.onnx, then ResNet18.onnx) on
/// the same pixels, and evidence that the weights are ImageNet-pretrained rather than random.
/// </summary>
[Trait("Category", "Oracle")]
public sealed class MlNetResNet18Tests(MlNetResNet18Fixture fixture, ITestOutputHelper log) : NativeLeakGuard, IClassFixture<MlNetResNet18Fixture>
{
    // The features are non-negative pooled activations of order 1; float32 sums in another order differ by ~1e-5 at most.
    private const float Tolerance = 1e-4f;

    [Theory]
    [InlineData("noise")]
    [InlineData("scene")]
    [InlineData("photo")]
    public void Features_MatchOnnxRuntimeOnThePackagesGraphs(string image)
    {
        using var scope = torch.NewDisposeScope();
        var pixels = image switch
        {
            "noise" => torch.randint(0, 256, [2, 3, 224, 224], generator: new torch.Generator(7)).to(torch.float32), // (2, 3, 224, 224)
            "scene" => Load(fixture.Scene),
            _ => Load(MlNetResNet18Fixture.Photo),
        };
        var ours = fixture.Source.Encode(pixels).cpu(); // (N, 512)
        Assert.Equal(new long[] { pixels.shape[0], 512 }, ours.shape);
        for (var i = 0; i < pixels.shape[0]; i++)
        {
            var expected = OnnxRuntimeFeatures(pixels[i].unsqueeze(0));
            var got = ours[i].data<float>().ToArray();
            var maxDiff = got.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
            log.WriteLine($"{image}[{i}]: max abs diff {maxDiff:G3}, max feature {expected.Max():G4}");
            Assert.True(expected.Max() > 0.1f, "ONNX Runtime's features are all near zero: the comparison would prove nothing");
            Assert.True(maxDiff <= Tolerance, $"{image}[{i}]: max abs diff {maxDiff:G6} from ONNX Runtime exceeds {Tolerance}");
        }
    }

    [Fact]
    public void Pretrained_PhotoIsCloseToItsMirrorAndFarFromASyntheticScene()
    {
        using var scope = torch.NewDisposeScope();
        var photo = Load(MlNetResNet18Fixture.Photo);                        // (1, 3, 224, 224)
        var batch = torch.cat([photo, photo.flip(3), Load(fixture.Scene)], 0); // (3, 3, 224, 224)
        var features = fixture.Source.Encode(batch);             // (3, 512)
        var mirror = torch.nn.functional.cosine_similarity(features[0], features[1], dim: 0).item<float>();
        var scene = torch.nn.functional.cosine_similarity(features[0], features[2], dim: 0).item<float>();
        log.WriteLine($"cosine photo/mirror {mirror:F3}, photo/scene {scene:F3}");
        Assert.True(mirror > 0.9f, $"photo vs its mirror image: cosine {mirror:F3}, expected above 0.9");
        Assert.True(scene < 0.6f, $"photo vs a synthetic scene: cosine {scene:F3}, expected below 0.6");
    }

    private torch.Tensor Load(string path)
    {
        Assert.True(File.Exists(path), $"'{path}' is missing: run environment/setup --test-deps (installs Debian's python-matplotlib-data)");
        return new ImagePreprocessor(fixture.Source.Preprocessing).Load([path]); // (1, 3, 224, 224), RGB 0-255
    }

    // ML.NET's two graphs as its featurizer chains them: preprocessing (BGR, minus the mean image), then the network.
    private static float[] OnnxRuntimeFeatures(torch.Tensor rgb)
    {
        var folder = Path.GetDirectoryName(MlNetResNet18Weights.BundledModelPath)!;
        using var preprocess = new InferenceSession(MlNetResNet18Weights.PreprocessPathFor(MlNetResNet18Weights.BundledModelPath));
        using var network = new InferenceSession(Path.Combine(folder, "ResNet18.onnx"));
        using var options = new RunOptions();
        using var input = OrtValue.CreateTensorValueFromMemory(rgb.contiguous().data<float>().ToArray(), [1, 3, 224, 224]);
        using var prepared = preprocess.Run(options, ["OriginalInput"], [input], ["PreprocessedInput"]);
        using var features = network.Run(options, ["Input247"], [prepared[0]], ["Pooling395_Output_0"]);
        return features[0].GetTensorDataAsSpan<float>().ToArray(); // 512 values from (1, 512, 1, 1)
    }
}
