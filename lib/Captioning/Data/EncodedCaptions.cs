namespace Captioning.Data;

/// <summary>
/// Every caption of one split as word ids in one flat array with offsets, plus the image row of each
/// caption; memory is proportional to the number of tokens, never to prefixes or one-hot targets.
/// </summary>
public sealed class EncodedCaptions
{
    private readonly int[] tokens;
    private readonly int[] offsets;
    private readonly int[] imageRows;

    /// <summary>Wraps already encoded captions; <paramref name="offsets"/> has one more entry than there are captions.</summary>
    public EncodedCaptions(IReadOnlyList<string> imageIds, int[] tokens, int[] offsets, int[] imageRows)
    {
        if (offsets.Length != imageRows.Length + 1 || offsets[0] != 0 || offsets[^1] != tokens.Length)
            throw new ArgumentException("offsets must start at 0, end at the token count and have one entry more than imageRows");
        for (var i = 0; i < imageRows.Length; i++)
        {
            if (offsets[i + 1] < offsets[i]) throw new ArgumentException($"offsets decrease at caption {i}");
            if (imageRows[i] < 0 || imageRows[i] >= imageIds.Count) throw new ArgumentException($"caption {i} points at image row {imageRows[i]} of {imageIds.Count}");
        }
        ImageIds = imageIds;
        this.tokens = tokens;
        this.offsets = offsets;
        this.imageRows = imageRows;
    }

    /// <summary>Cleans and encodes the captions of <paramref name="split"/>; image rows follow the split's image order.</summary>
    public static EncodedCaptions Build(CaptionDataset dataset, Split split, Vocabulary vocabulary, CaptionCleaner? cleaner = null)
    {
        cleaner ??= CaptionCleaner.Tutorial;
        var images = dataset.InSplit(split);
        var ids = new List<string>(images.Count);
        var tokens = new List<int>();
        var offsets = new List<int> { 0 };
        var rows = new List<int>();
        foreach (var image in images)
        {
            foreach (var caption in image.Captions)
            {
                tokens.AddRange(vocabulary.Encode(cleaner.Tokens(caption)));
                offsets.Add(tokens.Count);
                rows.Add(ids.Count);
            }
            ids.Add(image.Id);
        }
        return new EncodedCaptions(ids, tokens.ToArray(), offsets.ToArray(), rows.ToArray());
    }

    /// <summary>Image ids in row order: row r of a feature store for this split must belong to ImageIds[r].</summary>
    public IReadOnlyList<string> ImageIds { get; }

    /// <summary>Number of captions.</summary>
    public int Count => imageRows.Length;

    /// <summary>Total number of word ids over all captions.</summary>
    public int TokenCount => tokens.Length;

    /// <summary>The word ids of caption <paramref name="index"/> (no &lt;start&gt;/&lt;end&gt;).</summary>
    public ReadOnlySpan<int> Caption(int index) => tokens.AsSpan(offsets[index], offsets[index + 1] - offsets[index]);

    /// <summary>The number of words of caption <paramref name="index"/>.</summary>
    public int Length(int index) => offsets[index + 1] - offsets[index];

    /// <summary>The image row of caption <paramref name="index"/>.</summary>
    public int ImageRow(int index) => imageRows[index];
}
