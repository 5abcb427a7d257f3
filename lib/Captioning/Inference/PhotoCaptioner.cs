using Captioning.Data;
using Captioning.Features;
using Captioning.Models;
using static TorchSharp.torch;
using Captioning.Training;

namespace Captioning.Inference;

/// <summary>A photo and the caption a run gave it.</summary>
/// <param name="Path">The image file.</param>
/// <param name="Caption">The decoded caption (cleaned words, no special tokens).</param>
/// <param name="LogProbability">The caption's total log-probability under the model.</param>
/// <param name="Steps">The words the model chose, &lt;end&gt; included when it ended the caption: the terms of <paramref name="LogProbability"/>.</param>
public sealed record PhotoCaption(string Path, string Caption, double LogProbability, int Steps)
{
    /// <summary>
    /// The log-probability per step: the total favours short captions (every word multiplies in a
    /// probability below 1), so captions of different lengths are compared by this mean instead.
    /// </summary>
    public double LogProbabilityPerStep => Steps == 0 ? 0 : LogProbability / Steps;
}

/// <summary>
/// Captions new photos with a trained run: each photo is decoded, resized and normalised for the
/// run's encoder, encoded, and decoded into a caption by the run's best model.
/// </summary>
public sealed class PhotoCaptioner : IDisposable
{
    private readonly IFeatureSource source;
    private readonly CaptionModel model;
    private readonly Vocabulary vocabulary;
    private readonly ImagePreprocessor preprocessor;

    private PhotoCaptioner(IFeatureSource source, CaptionModel model, Vocabulary vocabulary)
    {
        this.source = source;
        this.model = model;
        this.vocabulary = vocabulary;
        preprocessor = new ImagePreprocessor(source.Preprocessing);
    }

    /// <summary>The run's image encoder, e.g. small-cnn or resnet18-mlnet.</summary>
    public string Encoder => source.Name;

    /// <summary>Side in pixels of the square image the encoder sees (a photo is resized to it).</summary>
    public int InputSize => source.Preprocessing.CropSize;

    /// <summary>The run's vocabulary: the only words a caption can use.</summary>
    public Vocabulary Vocabulary => vocabulary;

    /// <summary>
    /// Opens a run. Its encoder's weights come from <paramref name="weightsPath"/>, or for small-cnn
    /// from the network saved beside the run's feature store; they must be the weights the training
    /// features were extracted with. The caption model decodes on <paramref name="device"/> (default: <see cref="TorchRuntime.DefaultDevice"/>).
    /// </summary>
    public static PhotoCaptioner Open(RunFolder run, string? weightsPath = null, Device? device = null)
    {
        TorchRuntime.EnsureLoaded();
        var (_, _, inputs, _) = run.ReadConfig();
        var encoder = inputs.Encoder;
        weightsPath ??= encoder == EncoderNames.SmallCnn ? SmallCnnEncoder.WeightsPathBeside(inputs.Features) : EncoderNames.BundledWeights(encoder);
        if (weightsPath == null) throw EncoderNames.MissingWeights(encoder);
        if (!File.Exists(weightsPath))
            throw new CaptioningException($"encoder weights '{weightsPath}' do not exist; pass the file the run's features were extracted with as --weights");
        var source = FeatureSources.Load(encoder, weightsPath);
        try
        {
            if (TrainingData.WeightsHashOf(inputs.FeatureFingerprint) is { } expected && expected != source.WeightsHash)
                throw new CaptioningException($"encoder weights '{weightsPath}' (hash {source.WeightsHash}) are not the ones run '{run.Path}' was trained on (hash {expected})");
            return new PhotoCaptioner(source, run.LoadModel(device: device ?? TorchRuntime.DefaultDevice), run.ReadVocabulary());
        }
        catch
        {
            (source as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <summary>One caption per image path, in order; an image that does not decode is named in the error.</summary>
    public IReadOnlyList<PhotoCaption> Describe(IReadOnlyList<string> imagePaths, DecodeOptions? decode = null)
    {
        decode ??= DecodeOptions.Beam3;
        var result = new List<PhotoCaption>(imagePaths.Count);
        const int chunk = 16;
        for (var start = 0; start < imagePaths.Count; start += chunk)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var paths = imagePaths.Skip(start).Take(chunk).ToList();
            var pixels = preprocessor.Load(paths); // (N, 3, S, S)
            var features = source.Encode(pixels); // (N, D)
            var decoded = CaptionDecoder.Decode(model, features, decode);
            for (var i = 0; i < paths.Count; i++)
                result.Add(new PhotoCaption(paths[i], vocabulary.DecodeToString(decoded[i].Tokens.Select(t => (int)t)), decoded[i].LogProbability,
                    decoded[i].Tokens.Length + (decoded[i].Finished ? 1 : 0)));
        }
        return result;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        model.Dispose();
        (source as IDisposable)?.Dispose();
    }
}
