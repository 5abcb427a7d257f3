using System.Diagnostics;
using System.Runtime.InteropServices;
using Captioning.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Captioning.Features;

/// <summary>Settings of one extraction run.</summary>
/// <param name="DType">Storage type of the rows: float16 halves the file, float32 is exact.</param>
/// <param name="BatchSize">Images per encoder call.</param>
/// <param name="SkipBadImages">Skip (and count) images that fail to decode instead of stopping.</param>
/// <param name="Force">Replace an existing store built for another encoder, weights or dataset.</param>
/// <param name="Device">Where the encoder runs; null is <see cref="TorchRuntime.DefaultDevice"/> (CUDA when available).</param>
public sealed record ExtractOptions(ScalarType DType = ScalarType.Float16, int BatchSize = 32, bool SkipBadImages = false, bool Force = false, Device? Device = null)
{
    /// <summary>Throws a <see cref="CaptioningException"/> for settings that cannot work.</summary>
    public void Validate()
    {
        if (BatchSize <= 0) throw new CaptioningException($"--batch {BatchSize}: expected a positive number of images per batch");
        _ = FeatureStoreHeader.DTypeName(DType is ScalarType.Float16 or ScalarType.Float32 ? DType
            : throw new CaptioningException($"--dtype {DType}: expected float16 or float32"));
    }
}

/// <summary>Progress of an extraction, reported after every batch.</summary>
/// <param name="Done">Images finished, including resumed and skipped ones.</param>
/// <param name="Total">Images in the dataset.</param>
/// <param name="Resumed">Images finished by an earlier, interrupted run.</param>
/// <param name="Skipped">Images skipped as unreadable so far.</param>
public sealed record ExtractProgress(int Done, int Total, int Resumed, int Skipped);

/// <summary>What <see cref="FeatureExtractor.Run"/> did.</summary>
/// <param name="OutPath">The store file.</param>
/// <param name="Total">Images in the dataset.</param>
/// <param name="Extracted">Images encoded in this run.</param>
/// <param name="Resumed">Images taken over from an interrupted run.</param>
/// <param name="Skipped">Images skipped as unreadable (in this and earlier runs); listed in the header.</param>
/// <param name="AlreadyComplete">A valid store for the same setup existed; nothing was done.</param>
/// <param name="Interrupted">Cancelled: finished batches are kept in the partial file for a rerun.</param>
/// <param name="Elapsed">Wall-clock time.</param>
public sealed record ExtractResult(string OutPath, int Total, int Extracted, int Resumed, int Skipped, bool AlreadyComplete, bool Interrupted, TimeSpan Elapsed);

/// <summary>
/// Runs every image of a dataset through an encoder into a feature store, in batches, decoding the
/// next batch on a background task while the encoder works on the current one; resumable.
/// </summary>
public static class FeatureExtractor
{
    /// <summary>
    /// Extracts features of <paramref name="dataset"/> into <paramref name="outPath"/>, moving the encoder to
    /// <see cref="ExtractOptions.Device"/> first. Cancelling finishes the current batch and returns with
    /// <see cref="ExtractResult.Interrupted"/>; a rerun resumes.
    /// </summary>
    public static ExtractResult Run(CaptionDataset dataset, IFeatureSource encoder, string outPath, ExtractOptions options,
        Action<ExtractProgress>? progress = null, Action<string>? log = null, CancellationToken cancellation = default)
    {
        options.Validate();
        TorchRuntime.EnsureLoaded();
        // Re-entrant: callers that also train the small CNN beside the store already hold it.
        using var writing = FeatureStoreWriter.LockForWriting(outPath);
        var clock = Stopwatch.StartNew();
        var identity = new FeatureStoreIdentity(encoder.Name, encoder.WeightsHash, DatasetFingerprint.Of(dataset), encoder.FeatureDimension, options.DType);
        var total = dataset.Images.Count;
        if (File.Exists(outPath) && CheckExisting(outPath, identity, options.Force, log) is { } existing)
            return new ExtractResult(outPath, total, 0, 0, existing.Skipped.Count, true, false, clock.Elapsed);

        using var writer = FeatureStoreWriter.OpenOrResume(outPath, identity);
        if (writer.DiscardedReason != null) log?.Invoke($"starting over: {writer.DiscardedReason}");
        var resumed = writer.ResumedRows + writer.ResumedSkips;
        if (resumed > 0) log?.Invoke($"resuming: {resumed} of {total} images already done in '{FeatureStoreWriter.PartialPath(outPath)}'");
        var remaining = dataset.Images.Where(i => !writer.IsDone(i.Id)).ToList();
        if (remaining.Count > 0) encoder.MoveTo(options.Device ?? TorchRuntime.DefaultDevice);
        var batches = remaining.Chunk(options.BatchSize).ToList();
        var preprocessor = new ImagePreprocessor(encoder.Preprocessing);
        var extracted = 0;
        Task<PreparedBatch>? pending = batches.Count > 0 ? Prepare(preprocessor, batches[0], options.SkipBadImages) : null;
        try
        {
            for (var k = 0; k < batches.Count; k++)
            {
                var prepared = pending!.GetAwaiter().GetResult();
                pending = k + 1 < batches.Count && !cancellation.IsCancellationRequested && prepared.Failure == null
                    ? Prepare(preprocessor, batches[k + 1], options.SkipBadImages)
                    : null;
                foreach (var bad in prepared.Skipped)
                {
                    log?.Invoke($"skipped image '{bad.Id}': {bad.Reason}");
                    writer.Skip(bad.Id, bad.Reason);
                }
                if (prepared.Ids.Count > 0)
                {
                    writer.Append(prepared.Ids, EncodeRows(encoder, prepared, preprocessor.Options.CropSize, options.DType));
                    extracted += prepared.Ids.Count;
                }
                progress?.Invoke(new ExtractProgress(writer.Ids.Count + writer.Skipped.Count, total, resumed, writer.Skipped.Count));
                if (prepared.Failure is { } failure)
                    throw new CaptioningException($"{failure.Message}; extraction stopped, the {writer.Ids.Count} images done so far are kept in "
                        + $"'{FeatureStoreWriter.PartialPath(outPath)}'. Fix or remove the image, or rerun with --skip-bad-images to skip it", failure);
                TestHold.At(() => TestHold.ExtractionSaved(outPath, writer.Ids.Count + writer.Skipped.Count, total));
                if (cancellation.IsCancellationRequested)
                    return new ExtractResult(outPath, total, extracted, resumed, writer.Skipped.Count, false, true, clock.Elapsed);
            }
            var header = writer.Finish();
            return new ExtractResult(outPath, total, extracted, resumed, header.Skipped.Count, false, false, clock.Elapsed);
        }
        finally
        {
            if (pending != null)
            {
                try { pending.GetAwaiter().GetResult(); }
                catch (CaptioningException) { /* the batch was never going to be written */ }
            }
        }
    }

    // Returns the existing store's header when it is complete and for the same setup; null when it must be rebuilt.
    private static FeatureStoreHeader? CheckExisting(string outPath, FeatureStoreIdentity identity, bool force, Action<string>? log)
    {
        FeatureStoreHeader header;
        try
        {
            using var store = FeatureStore.Open(outPath, expected: null, verifyChecksum: true);
            header = store.Header;
        }
        catch (CaptioningException e)
        {
            log?.Invoke($"rebuilding '{outPath}': {e.Message}");
            return null;
        }
        if (header.Identity.Difference(identity) is not { } difference)
        {
            // A kill between the final rename and the clean-up leaves these behind.
            File.Delete(FeatureStoreWriter.PartialPath(outPath));
            File.Delete(FeatureStoreWriter.JournalPath(outPath));
            log?.Invoke($"'{outPath}' is already complete ({header.Count} images); nothing to do");
            return header;
        }
        if (!force)
            throw new CaptioningException($"'{outPath}' already holds a feature store for another setup ({difference}: the file's vs this run's); pass --force to replace it, or choose another --out");
        log?.Invoke($"replacing '{outPath}' (--force): it was built for another setup ({difference})");
        return null;
    }

    // The batch goes to the encoder's device; the features come back to the CPU only to be written.
    private static byte[] EncodeRows(IFeatureSource encoder, PreparedBatch prepared, int size, ScalarType dtype)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var count = prepared.Ids.Count;
        var images = torch.frombuffer(prepared.Pixels, ScalarType.Float32, count * 3L * size * size).view(count, 3, size, size); // (B, 3, S, S), no copy
        var features = encoder.Encode(images); // (B, D) on the encoder's device
        var shape = features.shape;
        if (shape.Length != 2 || shape[0] != count || shape[1] != encoder.FeatureDimension)
            throw new InvalidOperationException($"encoder '{encoder.Name}' returned shape [{string.Join(", ", shape)}] for {count} images; expected [{count}, {encoder.FeatureDimension}]");
        var rows = features.to(ScalarType.Float32).to(dtype).cpu().contiguous(); // (B, D) in the store's dtype
        return rows.bytes.ToArray();
    }

    private static Task<PreparedBatch> Prepare(ImagePreprocessor preprocessor, CaptionedImage[] batch, bool skipBadImages) =>
        Task.Run(() => PrepareNow(preprocessor, batch, skipBadImages));

    // Runs on a worker thread: decodes until the first bad image (which is skipped or ends the batch). The
    // pixels leave the thread as an array, not a tensor: TorchSharp counts live tensors per thread, and a
    // tensor made here but disposed by the caller's thread would unbalance both threads' counts.
    private static PreparedBatch PrepareNow(ImagePreprocessor preprocessor, CaptionedImage[] batch, bool skipBadImages)
    {
        var ids = new List<string>();
        var skipped = new List<SkippedFeature>();
        var size = preprocessor.Options.CropSize;
        var perImage = 3 * size * size;
        var pixels = new float[batch.Length * perImage]; // (B, 3, S, S) row-major
        CaptioningException? failure = null;
        foreach (var image in batch)
        {
            try
            {
                using var scope = torch.NewDisposeScope();
                var x = preprocessor.Process(ImagePreprocessor.Decode(image.Path)); // (1, 3, S, S)
                MemoryMarshal.Cast<byte, float>(x.bytes).CopyTo(pixels.AsSpan(ids.Count * perImage, perImage));
                ids.Add(image.Id);
            }
            catch (CaptioningException e) when (skipBadImages)
            {
                skipped.Add(new SkippedFeature(image.Id, e.Message));
            }
            catch (CaptioningException e)
            {
                failure = new CaptioningException($"image '{image.Id}' ({image.Path}) could not be read: {e.Message}", e);
                break;
            }
        }
        return new PreparedBatch(ids, pixels, skipped, failure);
    }

    private sealed record PreparedBatch(List<string> Ids, float[] Pixels, List<SkippedFeature> Skipped, CaptioningException? Failure);
}
