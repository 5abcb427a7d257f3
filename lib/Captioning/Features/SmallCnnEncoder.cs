using System.Globalization;
using System.Security.Cryptography;
using Captioning.Data;
using Captioning.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Captioning.Features;

/// <summary>
/// A trained, frozen <see cref="SmallCnn"/> as a feature source: its penultimate layer is the
/// feature, its weights hash is the SHA-256 of its safetensors file.
/// </summary>
public sealed class SmallCnnEncoder : IFeatureSource, IDisposable
{
    private SmallCnnEncoder(SmallCnn network, Concepts concepts, int inputSize, string weightsHash, string datasetFingerprint, string training)
    {
        Training = training;
        Network = network;
        Concepts = concepts;
        InputSize = inputSize;
        WeightsHash = weightsHash;
        DatasetFingerprint = datasetFingerprint;
        network.eval();
    }

    /// <summary>The network (evaluation mode).</summary>
    public SmallCnn Network { get; }

    /// <summary>The concept words of the head, in output order.</summary>
    public Concepts Concepts { get; }

    /// <summary>Side of the square input in pixels.</summary>
    public int InputSize { get; }

    /// <summary>The training settings as saved (<see cref="SmallCnnOptions.Signature"/>), to tell whether a saved network can be reused.</summary>
    public string Training { get; }

    /// <summary>Fingerprint of the dataset the network was trained on.</summary>
    public string DatasetFingerprint { get; }

    /// <inheritdoc/>
    public string Name => EncoderNames.SmallCnn;

    /// <inheritdoc/>
    public int FeatureDimension => Network.FeatureDimension;

    /// <inheritdoc/>
    public string WeightsHash { get; }

    /// <inheritdoc/>
    public ImagePreprocessOptions Preprocessing => PreprocessingFor(InputSize);

    /// <summary>Stretch to <paramref name="size"/> with PIL-style bilinear resampling, values in [0, 1].</summary>
    public static ImagePreprocessOptions PreprocessingFor(int size) =>
        new(size, size, ResizeMode.Stretch, ResizeFilter.Bilinear, PixelNormalization.UnitRange);

    /// <inheritdoc/>
    public Tensor Encode(Tensor images)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return Network.Features(images.to(Device)).MoveToOuterDisposeScope(); // (N, D) on Device
    }

    /// <summary>The device the weights are on; <see cref="Encode"/> and <see cref="Predict"/> move each batch there.</summary>
    public Device Device => Network.parameters().First().device;

    /// <inheritdoc/>
    public void MoveTo(Device device) => Network.to(device);

    /// <summary>Concept probabilities of (N, 3, S, S) images: (N, concepts).</summary>
    public Tensor Predict(Tensor images)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return Network.call(images.to(Device)).sigmoid().MoveToOuterDisposeScope(); // (N, concepts)
    }

    /// <summary>
    /// Saves the network as safetensors with its concepts, input size and dataset fingerprint in the
    /// metadata, and returns an encoder whose hash is that file's SHA-256. Takes ownership of <paramref name="network"/>.
    /// </summary>
    public static SmallCnnEncoder SaveAndWrap(SmallCnn network, Concepts concepts, int inputSize, string datasetFingerprint, string training, string path)
    {
        // safetensors is written from the CPU; copies are made only for weights that live elsewhere.
        using var scope = torch.NewDisposeScope();
        var tensors = network.state_dict().ToDictionary(p => p.Key, p => p.Value.cpu());
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "caption-small-cnn/1",
            ["channels"] = string.Join(",", network.Channels.Select(c => c.ToString(CultureInfo.InvariantCulture))),
            ["stem_channels"] = network.StemChannels.ToString(CultureInfo.InvariantCulture),
            ["feature_dimension"] = network.FeatureDimension.ToString(CultureInfo.InvariantCulture),
            ["cell_dimension"] = network.CellDimension.ToString(CultureInfo.InvariantCulture),
            ["input_size"] = inputSize.ToString(CultureInfo.InvariantCulture),
            ["concepts"] = string.Join("\n", concepts.Words),
            ["dataset_fingerprint"] = datasetFingerprint,
            ["training"] = training,
        };
        SafeTensors.SaveSealed(path, tensors, metadata);
        return new SmallCnnEncoder(network, concepts, inputSize, HashFile(path), datasetFingerprint, training);
    }

    /// <summary>Loads a network saved by <see cref="SaveAndWrap"/>; a file of anything else is a <see cref="CaptioningException"/> naming it.</summary>
    public static SmallCnnEncoder Load(string path)
    {
        if (!File.Exists(path)) throw new CaptioningException($"small-cnn weights '{path}' do not exist; run `caption extract --encoder small-cnn` without --weights to train them");
        var metadata = SafeTensors.VerifySeal(path, () => "extract the features again with `caption extract --encoder small-cnn` without --weights (it retrains the CNN), or restore the file from a copy");
        string Field(string key) => metadata.TryGetValue(key, out var value) ? value
            : throw new CaptioningException($"'{path}' is not a small-cnn weights file: its safetensors metadata lacks '{key}' (expected format caption-small-cnn/1)");
        if (Field("format") != "caption-small-cnn/1")
            throw new CaptioningException($"'{path}' has format '{metadata["format"]}'; expected caption-small-cnn/1");
        var channels = Field("channels").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        var concepts = new Concepts(Field("concepts").Split('\n'));
        var network = new SmallCnn(channels, int.Parse(Field("feature_dimension"), CultureInfo.InvariantCulture), concepts.Count,
            int.Parse(Field("stem_channels"), CultureInfo.InvariantCulture),
            metadata.TryGetValue("cell_dimension", out var cells) ? int.Parse(cells, CultureInfo.InvariantCulture) : 0);
        try
        {
            using (var tensors = SafeTensors.Load(path)) network.LoadStateDict(tensors, strict: true, sourceName: path);
            network.eval();
            return new SmallCnnEncoder(network, concepts, int.Parse(Field("input_size"), CultureInfo.InvariantCulture), HashFile(path), Field("dataset_fingerprint"), Field("training"));
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Where a small CNN trained for a feature store is kept: beside the store (`caption extract`, `caption describe` and the workbook agree on it).</summary>
    public static string WeightsPathBeside(string storePath) => storePath + ".small-cnn.safetensors";

    /// <summary>SHA-256 (hex) of a file's bytes.</summary>
    public static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Frees the network.</summary>
    public void Dispose() => Network.Dispose();
}
