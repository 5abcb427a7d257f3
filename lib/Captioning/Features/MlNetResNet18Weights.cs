using System.Globalization;
using Captioning.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Captioning.Features;

/// <summary>
/// Where resnet18-mlnet's weights come from and how they map: the initializers of ResNet18.onnx and the mean image of
/// ResNetPreprocess.onnx from the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1, which the build copies
/// next to Captioning.dll as DnnImageModels/. The files are read as data (<see cref="OnnxInitializers"/>); no ONNX graph runs.
/// </summary>
public static class MlNetResNet18Weights
{
    /// <summary>The package the files come from, for messages and docs.</summary>
    public const string Package = "Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1";

    private const string MeanImageName = "MeanImage";

    // The export's initializer names in graph order: per convolution its weight, per batch norm the number n of
    // ParameterN (scale), Parameter(n+1) (bias), Constant(n+2) (running mean) and Constant(n+3) (running variance).
    private static readonly (string Module, int Conv, int Norm)[] Layers =
    [
        ("", 91, 96),
        ("layer1.0.", 86, 113), ("layer1.0.", 82, 127), ("layer1.1.", 77, 144), ("layer1.1.", 73, 158),
        ("layer2.0.", 68, 175), ("layer2.0.", 64, 189), ("layer2.0.downsample.", 199, 203), ("layer2.1.", 59, 220), ("layer2.1.", 55, 234),
        ("layer3.0.", 50, 251), ("layer3.0.", 46, 265), ("layer3.0.downsample.", 275, 279), ("layer3.1.", 41, 296), ("layer3.1.", 37, 310),
        ("layer4.0.", 32, 327), ("layer4.0.", 28, 341), ("layer4.0.downsample.", 351, 355), ("layer4.1.", 23, 372), ("layer4.1.", 19, 386),
        ("layer4.2.", 14, 403), ("layer4.2.", 10, 417),
    ];

    /// <summary>The package's ResNet18.onnx as the build places it: DnnImageModels/ResNet18Onnx/ beside Captioning.dll.</summary>
    public static string BundledModelPath { get; } =
        Path.Combine(Path.GetDirectoryName(typeof(MlNetResNet18Weights).Assembly.Location) ?? AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");

    /// <summary>ResNetPreprocess.onnx for a given ResNet18.onnx, where the package keeps it: ../ResNetPrepOnnx/, else the same folder.</summary>
    public static string PreprocessPathFor(string modelPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        var packaged = Path.Combine(Path.GetDirectoryName(folder) ?? folder, "ResNetPrepOnnx", "ResNetPreprocess.onnx");
        return File.Exists(packaged) ? packaged : Path.Combine(folder, "ResNetPreprocess.onnx");
    }

    /// <summary>
    /// ONNX initializer name → our state-dict key for all 110 tensors of ResNet18.onnx (torchvision's names: conv1.weight,
    /// bn1.running_mean, layer4.0.downsample.1.weight, ...).
    /// </summary>
    public static IReadOnlyDictionary<string, string> KeyOf { get; } = BuildKeys();

    /// <summary>
    /// Loads the weights of <paramref name="modelPath"/> (a ResNet18.onnx) and the mean image of <see cref="PreprocessPathFor"/>
    /// into <paramref name="encoder"/>. A missing or unreadable file, a missing or unexpected initializer, a wrong shape or a
    /// wrong type is a <see cref="CaptioningException"/> that names the file and every difference; the encoder is then unchanged.
    /// </summary>
    public static void Load(MlNetResNet18Encoder encoder, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var preprocessPath = PreprocessPathFor(modelPath);
        var advice = $"expected the files of the NuGet package {Package} (rebuild to restore them, or pass its ResNet18.onnx with --weights)";
        if (!File.Exists(modelPath)) throw new CaptioningException($"'{modelPath}' (resnet18-mlnet weights): file not found; {advice}");
        var own = encoder.state_dict();
        using var mapped = new TensorDictionary();
        using (var model = Read(modelPath, advice))
            Map(model, KeyOf, own, modelPath, mapped, advice);
        if (!File.Exists(preprocessPath)) throw new CaptioningException($"'{preprocessPath}' (resnet18-mlnet mean image): file not found; {advice}");
        using (var preprocess = Read(preprocessPath, advice))
            Map(preprocess, new Dictionary<string, string> { [MeanImageName] = "mean_image" }, own, preprocessPath, mapped, advice);
        foreach (var (key, buffer) in own)
        {
            // PyTorch counts training batches in each batch norm; the export has no such count and evaluation never reads it.
            if (key.EndsWith(".num_batches_tracked", StringComparison.Ordinal)) mapped.Add(key, torch.zeros_like(buffer));
        }
        encoder.LoadStateDict(mapped, strict: true, sourceName: modelPath);
    }

    private static TensorDictionary Read(string path, string advice)
    {
        try
        {
            return OnnxInitializers.Read(path);
        }
        catch (CaptioningException e)
        {
            throw new CaptioningException($"{e.Message}; {advice}", e);
        }
    }

    // Moves every expected initializer into `into` under its key; lists every missing, unexpected and mis-shaped one at once.
    private static void Map(TensorDictionary source, IReadOnlyDictionary<string, string> keys, IReadOnlyDictionary<string, Tensor> own,
        string path, TensorDictionary into, string advice)
    {
        var missing = keys.Keys.Where(name => !source.ContainsKey(name)).ToList();
        var unexpected = source.Keys.Where(name => !keys.ContainsKey(name)).ToList();
        var misShaped = keys.Where(kv => source.ContainsKey(kv.Key) && !source[kv.Key].shape.SequenceEqual(own[kv.Value].shape))
            .Select(kv => $"{kv.Key} ({kv.Value}): expected {Shape(own[kv.Value])}, got {Shape(source[kv.Key])}").ToList();
        var problems = new List<string>();
        if (missing.Count > 0) problems.Add($"missing initializers ({missing.Count}): {Listed(missing)}");
        if (unexpected.Count > 0) problems.Add($"unexpected initializers ({unexpected.Count}): {Listed(unexpected)}");
        if (misShaped.Count > 0) problems.Add($"shape mismatches ({misShaped.Count}): {Listed(misShaped)}");
        if (problems.Count > 0)
            throw new CaptioningException($"'{path}' does not hold the tensors resnet18-mlnet expects: {string.Join("; ", problems)}; {advice}");
        foreach (var (name, key) in keys) into.Add(key, source.Take(name));
    }

    private static string Shape(Tensor tensor) => $"[{string.Join(", ", tensor.shape)}]";

    private static string Listed(IReadOnlyList<string> items) =>
        items.Count <= 8 ? string.Join(", ", items) : $"{string.Join(", ", items.Take(8))}, ... ({items.Count - 8} more)";

    private static Dictionary<string, string> BuildKeys()
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (module, conv, norm) in Layers)
        {
            // Within a block the first convolution is conv1/bn1, the second conv2/bn2; a downsample is 0 (conv) and 1 (norm).
            var (convName, normName) = module.EndsWith("downsample.", StringComparison.Ordinal) ? ("0", "1")
                : seen.Add(module) ? ("conv1", "bn1") : ("conv2", "bn2");
            keys[Name("Parameter", conv)] = $"{module}{convName}.weight";
            keys[Name("Parameter", norm)] = $"{module}{normName}.weight";
            keys[Name("Parameter", norm + 1)] = $"{module}{normName}.bias";
            keys[Name("Constant", norm + 2)] = $"{module}{normName}.running_mean";
            keys[Name("Constant", norm + 3)] = $"{module}{normName}.running_var";
        }
        return keys;
    }

    private static string Name(string prefix, int number) => prefix + number.ToString(CultureInfo.InvariantCulture);
}
