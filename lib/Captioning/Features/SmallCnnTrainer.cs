using System.Diagnostics;
using Captioning.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Captioning.Features;

/// <summary>Settings of the small CNN and its concept training.</summary>
/// <param name="InputSize">Side of the square input in pixels.</param>
/// <param name="Channels">Output channels of each conv block.</param>
/// <param name="FeatureDimension">Size of the penultimate layer (the stored feature).</param>
/// <param name="Epochs">Passes over the training images.</param>
/// <param name="BatchSize">Images per optimiser step.</param>
/// <param name="LearningRate">Adam learning rate.</param>
/// <param name="Seed">Seeds weights and shuffling; equal settings and threads give equal weights.</param>
/// <param name="MinImages">A concept must occur in the captions of at least this many training images.</param>
/// <param name="MaxConcepts">At most this many concepts (the most frequent).</param>
/// <param name="StemChannels">Channels of a 5x5 stride-2 stem before the blocks (0: none), for sharper inputs at little cost.</param>
/// <param name="BalancePositives">Weight each concept's positives by sqrt(negatives / positives) in the loss.</param>
/// <param name="MinAgreement">A concept must be used by at least this fraction of the captions of the images it describes, on average (0 keeps every word).</param>
/// <param name="CellDimension">Per-cell size of the penultimate layer, a 1x1 conv over the 3x3 grid (feature = 9 x this); 0 uses one dense layer of <paramref name="FeatureDimension"/> instead.</param>
/// <param name="MaxShift">Training augmentation: each training image is shifted by up to this many pixels in x and y (edges repeated); 0 is off.</param>
/// <param name="Device">Where the network trains; null is <see cref="TorchRuntime.DefaultDevice"/>. Not part of <see cref="Signature"/>.</param>
public sealed record SmallCnnOptions(int InputSize = 48, int[]? Channels = null, int FeatureDimension = 256, int Epochs = 24,
    int BatchSize = 32, double LearningRate = 3e-3, int Seed = 1, int MinImages = 5, int MaxConcepts = 1000, double MinAgreement = 0.5, bool BalancePositives = false, int StemChannels = 0,
    int CellDimension = 32, int MaxShift = 0, Device? Device = null)
{
    /// <summary>The default channel plan.</summary>
    public static IReadOnlyList<int> DefaultChannels { get; } = [16, 32, 64, 128];

    /// <summary>The channels in use.</summary>
    public IReadOnlyList<int> ChannelPlan => Channels ?? DefaultChannels;

    /// <summary>Every setting as one string, saved with the weights so a rerun can tell whether they can be reused.</summary>
    public string Signature => FormattableString.Invariant(
        $"size={InputSize};channels={string.Join(",", ChannelPlan)};dim={FeatureDimension};epochs={Epochs};batch={BatchSize};lr={LearningRate:R};seed={Seed};min={MinImages};max={MaxConcepts};agree={MinAgreement:R};balance={BalancePositives};stem={StemChannels};cells={CellDimension};shift={MaxShift}");

    /// <summary>Throws a <see cref="CaptioningException"/> for settings that cannot work.</summary>
    public void Validate()
    {
        if (InputSize < 16) throw new CaptioningException($"small-cnn input size {InputSize} is too small; expected at least 16 pixels");
        if (ChannelPlan.Count == 0 || ChannelPlan.Any(c => c <= 0) || StemChannels < 0 || InputSize >> (ChannelPlan.Count + (StemChannels > 0 ? 1 : 0)) < 1)
            throw new CaptioningException($"small-cnn channels [{string.Join(", ", ChannelPlan)}] do not fit a {InputSize}-pixel input; expected 1 to log2(size) positive counts");
        if (MinAgreement is < 0 or > 1) throw new CaptioningException($"small-cnn caption agreement {MinAgreement} must be between 0 and 1");
        if (MaxShift < 0 || MaxShift >= InputSize / 2) throw new CaptioningException($"small-cnn shift {MaxShift} must be between 0 and half the input size ({InputSize / 2 - 1})");
        if (CellDimension < 0) throw new CaptioningException($"small-cnn cell dimension {CellDimension} must be 0 (one dense layer) or positive");
        if (FeatureDimension <= 0 || Epochs <= 0 || BatchSize <= 0 || LearningRate <= 0 || MinImages <= 0 || MaxConcepts <= 0)
            throw new CaptioningException("small-cnn feature dimension, epochs, batch size, learning rate, minimum images and maximum concepts must all be positive");
    }
}

/// <summary>Progress of small-CNN training, reported after every batch and at the end of every epoch.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Total epochs.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">Mean training loss of the epoch so far.</param>
/// <param name="Dev">Dev-split scores at threshold 0.5, only at the end of an epoch.</param>
public sealed record SmallCnnProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss, ConceptScores? Dev);

/// <summary>The outcome of <see cref="SmallCnnTrainer.Train"/>.</summary>
/// <param name="Encoder">The frozen, saved encoder (the caller disposes it).</param>
/// <param name="Dev">Held-out (dev split) concept scores at threshold 0.5, micro-averaged.</param>
/// <param name="Majority">The trivial predictor's dev scores (the same most frequent concepts for every image), for comparison.</param>
/// <param name="TrainImages">Training images used.</param>
/// <param name="DevImages">Dev images scored.</param>
/// <param name="SkippedImages">Images left out because they could not be decoded.</param>
/// <param name="Elapsed">Wall-clock time including image loading.</param>
public sealed record SmallCnnTrainingResult(SmallCnnEncoder Encoder, ConceptScores Dev, ConceptScores Majority, int TrainImages, int DevImages,
    IReadOnlyList<SkippedFeature> SkippedImages, TimeSpan Elapsed);

/// <summary>
/// Trains a <see cref="SmallCnn"/> to predict which concept words occur in an image's captions
/// (multi-label, BCE with logits), on the training split, scores it on the dev split, and saves it.
/// </summary>
public static class SmallCnnTrainer
{
    /// <summary>
    /// Trains on <paramref name="dataset"/>'s training images and saves the network to
    /// <paramref name="weightsPath"/> (safetensors). Images are decoded once into memory at the input size.
    /// </summary>
    public static SmallCnnTrainingResult Train(CaptionDataset dataset, SmallCnnOptions options, string weightsPath, bool skipBadImages = false,
        Action<SmallCnnProgress>? progress = null, CancellationToken cancellation = default)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        var cleaner = CaptionCleaner.Tutorial;
        var skipped = new List<SkippedFeature>();
        var preprocessing = SmallCnnEncoder.PreprocessingFor(options.InputSize);
        var train = ImageCache.Load(dataset.InSplit(Split.Train), preprocessing, skipBadImages, skipped);
        using var trainPixels = train.Pixels;
        if (train.Images.Count == 0) throw new CaptioningException($"{dataset.Source}: the training split has no images; the small CNN needs training images");
        var dev = ImageCache.Load(dataset.InSplit(Split.Dev), preprocessing, skipBadImages, skipped);
        using var devPixels = dev.Pixels;
        var concepts = Concepts.Build(train.Images, cleaner, options.MinImages, options.MaxConcepts, options.MinAgreement);
        var trainLabels = concepts.Labels(train.Images, cleaner);
        var devLabels = concepts.Labels(dev.Images, cleaner);

        TorchRuntime.ManualSeed(options.Seed);
        var device = options.Device ?? TorchRuntime.DefaultDevice;
        var network = new SmallCnn(options.ChannelPlan, options.FeatureDimension, concepts.Count, options.StemChannels, options.CellDimension);
        try
        {
            network.to(device);
            using var trainOnDevice = trainPixels.to(device); // (N, 3, S, S) uint8: the whole cache fits, so it moves once
            using var devOnDevice = devPixels.to(device);     // (M, 3, S, S) uint8
            using var labels = torch.tensor(trainLabels, [train.Images.Count, concepts.Count], device: device); // (N, K)
            using var positiveWeight = options.BalancePositives ? PositiveWeights(trainLabels, train.Images.Count, concepts.Count, device) : null; // (K)
            RunEpochs(network, trainOnDevice, labels, positiveWeight, devOnDevice, devLabels, concepts.Count, options, progress, cancellation);
            network.eval();
            var devScores = Score(network, devOnDevice, devLabels, concepts.Count);
            var majority = ConceptScores.Count(ConceptScores.FrequentPredictions(trainLabels, train.Images.Count, concepts.Count, dev.Images.Count), devLabels);
            var encoder = SmallCnnEncoder.SaveAndWrap(network, concepts, options.InputSize, DatasetFingerprint.Of(dataset), options.Signature, weightsPath);
            return new SmallCnnTrainingResult(encoder, devScores, majority, train.Images.Count, dev.Images.Count, skipped, clock.Elapsed);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The small CNN for <paramref name="dataset"/>: loaded from <paramref name="weightsPath"/> when a network
    /// trained there on the same images with the same settings exists (a rerun), trained and saved otherwise.
    /// Returns the encoder and, when it trained, the training result.
    /// </summary>
    public static (SmallCnnEncoder Encoder, SmallCnnTrainingResult? Trained) TrainOrLoad(CaptionDataset dataset, SmallCnnOptions options, string weightsPath,
        bool skipBadImages = false, Action<SmallCnnProgress>? progress = null, Action<string>? log = null, CancellationToken cancellation = default)
    {
        if (File.Exists(weightsPath))
        {
            try
            {
                var saved = SmallCnnEncoder.Load(weightsPath);
                if (saved.DatasetFingerprint == DatasetFingerprint.Of(dataset) && saved.Training == options.Signature)
                {
                    log?.Invoke($"reusing the small CNN trained earlier in '{weightsPath}' (same images and settings)");
                    return (saved, null);
                }
                saved.Dispose();
                log?.Invoke($"retraining: '{weightsPath}' was trained on other images or with other settings");
            }
            catch (CaptioningException e)
            {
                log?.Invoke($"retraining: '{weightsPath}' cannot be used ({e.Message})");
            }
        }
        var result = Train(dataset, options, weightsPath, skipBadImages, progress, cancellation);
        return (result.Encoder, result);
    }

    // Concepts are rare, so unweighted BCE under-predicts at the 0.5 threshold; the square root is a
    // mild correction. Off by default: on the synthetic demo set it cost more precision than it gained recall.
    private static Tensor PositiveWeights(float[] labels, int images, int concepts, Device device)
    {
        var weights = new float[concepts];
        for (var c = 0; c < concepts; c++)
        {
            var positives = 0;
            for (var i = 0; i < images; i++) if (labels[i * concepts + c] > 0.5f) positives++;
            weights[c] = (float)Math.Sqrt(Math.Max(1, images - positives) / (double)Math.Max(1, positives));
        }
        return torch.tensor(weights, device: device); // (K)
    }

    private static void RunEpochs(SmallCnn network, Tensor pixels, Tensor labels, Tensor? positiveWeight, Tensor devPixels, float[] devLabels, int concepts,
        SmallCnnOptions options, Action<SmallCnnProgress>? progress, CancellationToken cancellation)
    {
        var count = (int)pixels.size(0);
        var batches = (count + options.BatchSize - 1) / options.BatchSize;
        var random = new Random(options.Seed);
        using var optimizer = torch.optim.Adam(network.parameters(), options.LearningRate);
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            network.train();
            var order = Enumerable.Range(0, count).ToArray();
            random.Shuffle(order);
            // The epoch's loss is summed on the device; it is read back only when someone is listening.
            using var lossSum = torch.zeros(1, device: pixels.device); // (1)
            for (var b = 0; b < batches; b++)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = torch.NewDisposeScope();
                var size = Math.Min(options.BatchSize, count - b * options.BatchSize);
                var index = torch.tensor(order.Skip(b * options.BatchSize).Take(size).Select(i => (long)i).ToArray(), device: pixels.device); // (B)
                var x = pixels.index_select(0, index).to(ScalarType.Float32) / 255.0; // (B, 3, S, S)
                if (options.MaxShift > 0) x = Shift(x, options.MaxShift, random);
                var y = labels.index_select(0, index);                                 // (B, K)
                optimizer.zero_grad();
                var loss = torch.nn.functional.binary_cross_entropy_with_logits(network.call(x), y, pos_weights: positiveWeight);
                loss.backward();
                optimizer.step();
                lossSum.add_(loss.detach());
                progress?.Invoke(new SmallCnnProgress(epoch, options.Epochs, b + 1, batches, lossSum.item<float>() / (b + 1), null));
            }
            if (progress != null)
            {
                network.eval();
                progress(new SmallCnnProgress(epoch, options.Epochs, batches, batches, lossSum.item<float>() / batches, Score(network, devPixels, devLabels, concepts)));
            }
        }
    }

    /// <summary>
    /// Moves each image by its own random offset of up to <paramref name="maxShift"/> pixels per axis,
    /// repeating edge pixels into the gap: the shapes' words do not change, and a few pixels keep
    /// every shape inside the region its position words name.
    /// </summary>
    internal static Tensor Shift(Tensor images, int maxShift, Random random)
    {
        var size = (int)images.size(2);
        using var scope = torch.NewDisposeScope();
        var shifted = new List<Tensor>();
        for (var i = 0; i < images.size(0); i++)
        {
            var (dy, dx) = (random.Next(-maxShift, maxShift + 1), random.Next(-maxShift, maxShift + 1));
            var rows = torch.tensor(Enumerable.Range(0, size).Select(r => (long)Math.Clamp(r - dy, 0, size - 1)).ToArray(), device: images.device);    // (S)
            var columns = torch.tensor(Enumerable.Range(0, size).Select(c => (long)Math.Clamp(c - dx, 0, size - 1)).ToArray(), device: images.device); // (S)
            shifted.Add(images.select(0, i).index_select(1, rows).index_select(2, columns)); // (3, S, S)
        }
        return torch.stack(shifted, 0).MoveToOuterDisposeScope(); // (B, 3, S, S)
    }

    /// <summary>Micro scores of the network's predictions at probability 0.5 (logit 0) on uint8 images.</summary>
    private static ConceptScores Score(SmallCnn network, Tensor pixels, float[] labels, int concepts)
    {
        var count = (int)pixels.size(0);
        var predicted = new bool[count * concepts];
        using var noGrad = torch.no_grad();
        for (var start = 0; start < count; start += 128)
        {
            using var scope = torch.NewDisposeScope();
            var size = Math.Min(128, count - start);
            var x = pixels.narrow(0, start, size).to(ScalarType.Float32) / 255.0;             // (B, 3, S, S)
            var positive = network.call(x).gt(0).cpu().data<bool>().ToArray();               // (B, K)
            positive.CopyTo(predicted, start * concepts);
        }
        return ConceptScores.Count(predicted, labels);
    }
}
