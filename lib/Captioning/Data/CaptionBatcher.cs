using static TorchSharp.torch;

namespace Captioning.Data;

/// <summary>Options of <see cref="CaptionBatcher"/>.</summary>
/// <param name="BatchSize">Captions per batch.</param>
/// <param name="Shuffle">Shuffle captions each epoch (training); off keeps source order (evaluation).</param>
/// <param name="Seed">Seed of the shuffle; epoch e uses a generator seeded from (Seed, e).</param>
/// <param name="BucketByLength">Group captions of similar length so batches carry little padding.</param>
/// <param name="BucketBatches">How many batches' worth of captions are sorted together when bucketing.</param>
/// <param name="DropLast">Drop a final batch smaller than <paramref name="BatchSize"/>.</param>
public sealed record BatcherOptions(int BatchSize = 64, bool Shuffle = true, int Seed = 0, bool BucketByLength = false,
    int BucketBatches = 50, bool DropLast = false);

/// <summary>
/// Cuts encoded captions into padded teacher-forcing batches. Each caption of n words is one row of
/// n+1 steps: the tutorial's n unrolled (prefix, next word) samples with one-hot targets are never built.
/// </summary>
public sealed class CaptionBatcher
{
    private readonly EncodedCaptions captions;

    /// <summary>Creates a batcher over <paramref name="captions"/>.</summary>
    public CaptionBatcher(EncodedCaptions captions, BatcherOptions? options = null)
    {
        Options = options ?? new BatcherOptions();
        if (Options.BatchSize < 1) throw new CaptioningException($"batch size must be at least 1, got {Options.BatchSize}");
        if (Options.BucketBatches < 1) throw new CaptioningException($"bucket size must be at least 1 batch, got {Options.BucketBatches}");
        this.captions = captions;
    }

    /// <summary>The options in use.</summary>
    public BatcherOptions Options { get; }

    /// <summary>Number of batches per epoch.</summary>
    public int BatchesPerEpoch => Options.DropLast ? captions.Count / Options.BatchSize : (captions.Count + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The caption indices of each batch of epoch <paramref name="epoch"/>, without building tensors.</summary>
    public IReadOnlyList<int[]> Plan(int epoch)
    {
        var order = Enumerable.Range(0, captions.Count).ToArray();
        var random = new Random(Seeds.Mix(Options.Seed, epoch));
        if (Options.Shuffle) random.Shuffle(order);
        if (Options.BucketByLength)
        {
            var bucket = Options.BatchSize * Options.BucketBatches;
            for (var start = 0; start < order.Length; start += bucket)
            {
                // Stable sort by length inside each bucket keeps the shuffle's randomness within equal lengths.
                var slice = order.AsSpan(start, Math.Min(bucket, order.Length - start));
                var sorted = slice.ToArray().OrderBy(captions.Length).ToArray();
                sorted.CopyTo(slice);
            }
        }
        var batches = new List<int[]>();
        for (var start = 0; start < order.Length; start += Options.BatchSize)
        {
            var size = Math.Min(Options.BatchSize, order.Length - start);
            if (size < Options.BatchSize && Options.DropLast) break;
            batches.Add(order.AsSpan(start, size).ToArray());
        }
        // Sorted buckets would otherwise feed short captions first every epoch.
        if (Options.BucketByLength && Options.Shuffle) random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batches));
        return batches;
    }

    /// <summary>The batches of epoch <paramref name="epoch"/>, built one at a time; dispose each after use.</summary>
    public IEnumerable<CaptionBatch> Batches(int epoch = 0, Device? device = null)
    {
        foreach (var indices in Plan(epoch)) yield return Make(indices, device);
    }

    /// <summary>Builds the padded batch of the given captions on <paramref name="device"/> (default: the CPU).</summary>
    public CaptionBatch Make(IReadOnlyList<int> indices, Device? device = null)
    {
        var size = indices.Count;
        var steps = 0;
        foreach (var i in indices) steps = Math.Max(steps, captions.Length(i) + 1);
        var input = new long[size * steps];   // zero is <pad>
        var target = new long[size * steps];
        var lengths = new long[size];
        var rows = new int[size];
        long tokens = 0;
        for (var b = 0; b < size; b++)
        {
            var caption = captions.Caption(indices[b]);
            var row = b * steps;
            input[row] = Vocabulary.Start;
            for (var t = 0; t < caption.Length; t++)
            {
                input[row + t + 1] = caption[t];
                target[row + t] = caption[t];
            }
            target[row + caption.Length] = Vocabulary.End;
            lengths[b] = caption.Length + 1;
            tokens += lengths[b];
            rows[b] = captions.ImageRow(indices[b]);
        }
        var inputTensor = tensor(input, [size, steps], device: device);      // (batch, steps)
        var targetTensor = tensor(target, [size, steps], device: device);    // (batch, steps)
        var lengthTensor = tensor(lengths, device: device);                  // (batch)
        var rowTensor = tensor(rows.Select(r => (long)r).ToArray(), device: device); // (batch)
        return new CaptionBatch(indices.ToArray(), rows, tokens, inputTensor, targetTensor, lengthTensor, rowTensor);
    }
}
