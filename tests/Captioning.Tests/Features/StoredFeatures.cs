using Captioning.Data;
using Captioning.Features;
using TorchSharp;
using Xunit;

namespace Captioning.Tests.Features;

/// <summary>Checks a feature store row by row against the encoder run on each image alone.</summary>
internal static class StoredFeatures
{
    /// <summary>
    /// Asserts that <paramref name="storePath"/> holds one row per image of <paramref name="images"/>, keyed by its id,
    /// equal (within <paramref name="tolerance"/>, relative to the value's size above 1) to <paramref name="source"/>'s
    /// output for that image preprocessed on its own; and that the images' features differ by far more than that, so a
    /// store whose rows belong to other images cannot pass.
    /// </summary>
    internal static void AssertRowsAreEncoderOutputs(string storePath, IReadOnlyList<CaptionedImage> images, IFeatureSource source, float tolerance = 1e-5f)
    {
        using var store = FeatureStore.Open(storePath);
        Assert.Equal(images.Select(i => i.Id).Order(StringComparer.Ordinal), store.Header.Ids.Order(StringComparer.Ordinal));
        var preprocessor = new ImagePreprocessor(source.Preprocessing);
        var expected = new List<float[]>();
        foreach (var image in images)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var pixels = preprocessor.Load([image.Path]); // (1, 3, S, S)
            expected.Add(source.Encode(pixels).cpu().data<float>().ToArray()); // (1, D)
        }
        for (var i = 0; i < images.Count; i++)
        {
            var row = store.Read(images[i].Id);
            Assert.Equal(expected[i].Length, row.Length);
            var worst = expected[i].Zip(row, (e, r) => Math.Abs(e - r) / Math.Max(1, Math.Abs(e))).Max();
            Assert.True(worst <= tolerance, $"row of '{images[i].Id}' differs from the encoder's output for its image by {worst:G3}");
            for (var j = 0; j < i; j++)
            {
                var apart = expected[i].Zip(expected[j], (a, b) => Math.Abs(a - b)).Max();
                Assert.True(apart > 100 * tolerance, $"images '{images[i].Id}' and '{images[j].Id}' have near-equal features ({apart:G3}); a swap would go unseen");
            }
        }
    }
}
