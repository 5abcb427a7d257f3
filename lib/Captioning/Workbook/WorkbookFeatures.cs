using System.Globalization;
using Captioning.Data;
using Captioning.Features;
using TorchSharp;

namespace Captioning.Workbook;

/// <summary>Notebook 02's step: image features into the work folder's store, reusing a complete store and resuming an interrupted one.</summary>
public static class WorkbookFeatures
{
    /// <summary>
    /// Extracts every image of <paramref name="dataset"/> with <paramref name="encoder"/> into
    /// <see cref="WorkbookFolders.FeatureStore"/>. small-cnn is trained first (or reloaded when already trained on these
    /// images with these settings, see <see cref="SmallCnnTrainer.TrainOrLoad"/>); resnet18-mlnet uses its bundled ONNX weights unless <paramref name="weightsPath"/> names others; the other encoders need <paramref name="weightsPath"/>.
    /// The encoder (and small-cnn's training, unless <paramref name="smallCnn"/> names a device) runs on <paramref name="device"/>
    /// (default: <see cref="TorchRuntime.DefaultDevice"/>). Without a <paramref name="cancellation"/> of its own, it stops when the
    /// notebook cell running it is cancelled (<see cref="NotebookCancellation"/>); the saved batches are kept for a rerun.
    /// </summary>
    public static ExtractResult ExtractOrReuse(CaptionDataset dataset, WorkbookFolders folders, string encoder, string weightsPath = "",
        SmallCnnOptions? smallCnn = null, Action<string>? log = null, CancellationToken cancellation = default, torch.Device? device = null)
    {
        cancellation = NotebookCancellation.Or(cancellation);
        var cnnOptions = smallCnn ?? new SmallCnnOptions();
        if (cnnOptions.Device == null) cnnOptions = cnnOptions with { Device = device };
        EncoderNames.Validate(encoder);
        var outPath = folders.FeatureStore(encoder);
        Directory.CreateDirectory(folders.Root);
        using var writing = FeatureStoreWriter.LockForWriting(outPath);
        var weights = string.IsNullOrWhiteSpace(weightsPath) ? EncoderNames.BundledWeights(encoder) : Path.GetFullPath(weightsPath);
        if (encoder != EncoderNames.SmallCnn && weights == null) throw EncoderNames.MissingWeights(encoder);
        using var source = new OwnedSource(FeatureSources.Open(encoder, weights, outPath, path => TrainSmallCnn(dataset, path, cnnOptions, log, cancellation)));
        var lastReported = -1;
        var result = FeatureExtractor.Run(dataset, source, outPath, new ExtractOptions(Device: device),
            progress: p =>
            {
                // A line per tenth keeps a notebook's output short.
                var tenth = p.Total == 0 ? 10 : p.Done * 10 / p.Total;
                if (tenth == lastReported) return;
                lastReported = tenth;
                log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"extract {encoder}: {p.Done}/{p.Total} images ({p.Resumed} resumed, {p.Skipped} skipped)"));
            },
            log: log, cancellation: cancellation);
        if (result.Interrupted) throw new OperationCanceledException($"extraction interrupted; rerun the cell to resume from '{FeatureStoreWriter.PartialPath(outPath)}'");
        log?.Invoke(result.AlreadyComplete
            ? $"'{outPath}' already holds the features of these {result.Total} images; nothing to do"
            : $"wrote '{outPath}': {result.Extracted} extracted now, {result.Resumed} resumed, {result.Skipped} skipped, in {result.Elapsed.TotalSeconds:F1} s");
        return result;
    }

    private static SmallCnnEncoder TrainSmallCnn(CaptionDataset dataset, string weightsPath, SmallCnnOptions options, Action<string>? log, CancellationToken cancellation)
    {
        options.Validate();
        var (cnn, trained) = SmallCnnTrainer.TrainOrLoad(dataset, options, weightsPath, progress: p =>
            {
                if (p.Dev is { } dev) log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"small-cnn epoch {p.Epoch}/{p.Epochs}: loss {p.Loss:F4}, dev concepts {dev}"));
            }, log: log, cancellation: cancellation);
        if (trained != null)
            log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"small-cnn: {trained.Encoder.Concepts.Count} concepts, trained on {trained.TrainImages} images in {trained.Elapsed.TotalSeconds:F1} s; dev {trained.Dev}; always-frequent baseline {trained.Majority}"));
        return cnn;
    }

    // Both sources are disposable; one wrapper lets `using` cover either.
    private sealed class OwnedSource(IFeatureSource inner) : IFeatureSource, IDisposable
    {
        public string Name => inner.Name;
        public int FeatureDimension => inner.FeatureDimension;
        public ImagePreprocessOptions Preprocessing => inner.Preprocessing;
        public string WeightsHash => inner.WeightsHash;
        public torch.Tensor Encode(torch.Tensor images) => inner.Encode(images);
        public void MoveTo(torch.Device device) => inner.MoveTo(device);
        public void Dispose() => (inner as IDisposable)?.Dispose();
    }
}
