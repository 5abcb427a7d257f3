using Captioning.Data;
using Captioning.Features;
using Captioning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Captioning.Workbook;

/// <summary>
/// The first training batch of an <see cref="Experiment"/>'s data, as the trainer builds batches: image features, teacher-forced
/// input ids and target ids (<c>&lt;pad&gt;</c> = <see cref="Vocabulary.Pad"/> past each caption's end). Notebook 03 computes the
/// loss, one Adam step and the clipping on it in a cell, so a reader sees what the trainer repeats.
/// </summary>
/// <param name="Features">(B, D) image features, one row per caption.</param>
/// <param name="Input">(B, T) ids: &lt;start&gt; and the caption.</param>
/// <param name="Target">(B, T) ids: the caption and &lt;end&gt;, the next word at every step.</param>
/// <param name="VocabularySize">V, the width of the model's output.</param>
public sealed record TrainingBatch(Tensor Features, Tensor Input, Tensor Target, long VocabularySize) : IDisposable
{
    /// <summary>The first <paramref name="size"/> training captions (in file order, not shuffled) of <paramref name="experiment"/>'s data.</summary>
    public static TrainingBatch First(Experiment experiment, int size)
    {
        if (size < 1) throw new CaptioningException($"batch size must be at least 1, got {size}");
        var dataset = DatasetPreparer.Load(experiment.DataDir, null, new PrepareOptions());
        var vocabulary = WorkbookData.TrainingVocabulary(experiment.Folders, dataset);
        using var store = FeatureStore.Open(experiment.Folders.FeatureStore(experiment.Settings.Encoder));
        var train = TrainingData.Load(dataset, Split.Train, vocabulary, store);
        using var all = train.Features;
        using var batch = new CaptionBatcher(train.Captions, new BatcherOptions(size, Shuffle: false)).Batches().First();
        var features = all.index_select(0, batch.ImageRowIndex); // (B, D)
        return new TrainingBatch(features, batch.Input.alias(), batch.Target.alias(), vocabulary.Count);
    }

    /// <summary>Positions holding a real next word (not padding): the ones the loss averages over.</summary>
    public long RealTokens
    {
        get
        {
            using var scope = NewDisposeScope();
            return Target.ne(Vocabulary.Pad).sum().item<long>();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Features.Dispose();
        Input.Dispose();
        Target.Dispose();
    }
}
