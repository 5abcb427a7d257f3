using Captioning.Data;
using Captioning.Inference;
using Captioning.Models;
using Captioning.Training;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Models;

/// <summary>
/// Each architecture, trained briefly by the real Trainer on captions that only the image can tell
/// apart, greedy-decodes every training image to exactly its own caption. A model that ignores the
/// image decodes one caption for all six images and fails.
/// </summary>
public sealed class CaptionFromImageTests : NativeLeakGuard
{
    private static readonly string[] Words = ["alpha", "bravo", "charlie", "delta"]; // ids 4..7: equal counts keep them in this order

    // Image i's only caption. Captions share first words and whole prefixes (0 and 1 differ only in
    // whether <end> follows "4 5"), so every step needs the image, not just the first.
    private static readonly int[][] Captions = [[4, 5], [4, 5, 6], [5, 4, 7, 6], [5, 7], [6, 6, 4], [7, 4, 5, 6]];

    private const int Repeats = 4; // each caption 4 times: 24 captions, 3 batches of 8 per epoch

    // Image i's feature is the one-hot vector e_i.
    private static SplitData Toy()
    {
        var images = Captions.Length;
        var tokens = new List<int>();
        var offsets = new List<int> { 0 };
        var rows = new List<int>();
        for (var r = 0; r < Repeats; r++)
        for (var i = 0; i < images; i++)
        {
            tokens.AddRange(Captions[i]);
            offsets.Add(tokens.Count);
            rows.Add(i);
        }
        var features = new float[images * images];
        for (var i = 0; i < images; i++) features[i * images + i] = 1;
        var ids = Enumerable.Range(0, images).Select(i => $"img{i}").ToList();
        return new SplitData(new EncodedCaptions(ids, tokens.ToArray(), offsets.ToArray(), rows.ToArray()),
            tensor(features, images, images).DetachFromDisposeScope()); // (6, 6)
    }

    public static TheoryData<string, MergeCombine> Architectures => new()
    {
        { "merge", MergeCombine.Add }, { "merge", MergeCombine.Concat }, { "init-inject", MergeCombine.Add },
        { "pre-inject", MergeCombine.Add }, { "par-inject", MergeCombine.Add },
    };

    [Theory]
    [Trait("Category", "Slow")] // about 2 s per architecture: 60 short epochs, checkpoints included
    [MemberData(nameof(Architectures))]
    public void GreedyDecoding_AfterTraining_GivesEachImageItsOwnCaption(string name, MergeCombine combine)
    {
        var data = Toy();
        var folder = Directory.CreateTempSubdirectory("caption-from-image-").FullName;
        try
        {
            var vocabulary = Vocabulary.Build(Words.Select(w => (IReadOnlyList<string>)[w]));
            Assert.Equal(8, vocabulary.Count);
            TorchRuntime.ManualSeed(3);
            using var model = CaptionModelFactory.Create(new CaptionModelOptions(CaptionModelOptions.ParseArchitecture(name),
                vocabulary.Count, Captions.Length, 16, 16, Dropout: 0, Combine: combine));
            // 40 epochs were the fewest at which every architecture passed (pre-inject was last); 60 leave a margin.
            var options = new TrainingOptions(Epochs: 60, BatchSize: 8, LearningRate: 0.02, ClipNorm: 5, Seed: 3);
            var run = new RunFolder(folder);
            run.Initialise(model.Options, options, new RunInputs("toy", "toy", "none", "toy"), vocabulary);
            // The training captions are also the validation set: the test is about fitting them through the image.
            new Trainer().Run(model, data, data, options, run);

            var decoded = CaptionDecoder.Decode(model, data.Features, DecodeOptions.Greedy with { MaxLength = 8 });
            var expected = string.Join(" | ", Captions.Select(c => string.Join(' ', c)));
            var actual = string.Join(" | ", decoded.Select(d => string.Join(' ', d.Tokens)));
            Assert.True(expected == actual, $"{name} {combine}: expected {expected}; decoded {actual}"); // every image's caption in the message
            Assert.All(decoded, d => Assert.True(d.Finished));
        }
        finally
        {
            data.Features.Dispose();
            Directory.Delete(folder, recursive: true);
        }
    }
}
