using System.Globalization;
using System.Text.Json;
using Captioning.Data;
using Captioning.Models;
using static TorchSharp.torch;

namespace Captioning.Training;

/// <summary>What a word-vector file gave a vocabulary; a run keeps it as word-vectors.json.</summary>
/// <param name="File">The file as given.</param>
/// <param name="Sha256">SHA-256 of the file's bytes; a resumed run must be given the same file.</param>
/// <param name="Format">"glove" (no header line) or "word2vec" (fastText's .vec: a first line "count dim").</param>
/// <param name="Gzip">True when the file is gzip-compressed.</param>
/// <param name="Dimension">Values per word.</param>
/// <param name="Found">Vocabulary words the file has a vector for.</param>
/// <param name="Total">Vocabulary words, the special tokens (&lt;pad&gt;, &lt;start&gt;, ...) not counted.</param>
/// <param name="Duplicates">Later lines of vocabulary words the file lists more than once (the first line wins).</param>
/// <param name="FileWords">Vector lines in the file.</param>
public sealed record WordVectorCoverage(string File, string Sha256, string Format, bool Gzip, int Dimension, int Found, int Total, int Duplicates, long FileWords)
{
    /// <summary>The share of vocabulary words found, in [0, 1].</summary>
    public double Fraction => Total == 0 ? 0 : (double)Found / Total;

    /// <summary>"7,312 of 7,579 words, 96.5%", plus the duplicates when there are any.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Found:N0} of {Total:N0} words, {100 * Fraction:F1}%{(Duplicates > 0 ? $" ({Duplicates:N0} duplicate lines ignored)" : "")}");
}

/// <summary>
/// Pretrained word vectors (GloVe or fastText/word2vec text, plain or gzip) for the words of a vocabulary, read from a
/// file streamed line by line; <see cref="CopyInto"/> initialises a model's embedding rows with them.
/// </summary>
public sealed class WordVectors
{
    private readonly long[] ids;
    private readonly float[] rows;

    private WordVectors(WordVectorCoverage coverage, long[] ids, float[] rows) => (Coverage, this.ids, this.rows) = (coverage, ids, rows);

    /// <summary>File, hash, dimension and how many vocabulary words it covers.</summary>
    public WordVectorCoverage Coverage { get; }

    /// <summary>The vocabulary ids that have a vector, ascending.</summary>
    public IReadOnlyList<long> Ids => ids;

    /// <summary>The vector of the <paramref name="i"/>-th of <see cref="Ids"/>.</summary>
    public ReadOnlySpan<float> Row(int i) => rows.AsSpan(i * Coverage.Dimension, Coverage.Dimension);

    /// <summary>
    /// Reads the vectors of <paramref name="vocabulary"/>'s words (exact, case-sensitive match) from <paramref name="path"/>.
    /// A file whose dimension is not <paramref name="embedding"/>, a malformed line or a truncated file is a
    /// <see cref="CaptioningException"/> naming the file (and line); <paramref name="sizeHint"/> ends the dimension error
    /// and says how to change the embedding size.
    /// </summary>
    public static WordVectors Load(string path, Vocabulary vocabulary, long embedding, string sizeHint)
    {
        var wanted = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var id = Vocabulary.Specials.Count; id < vocabulary.Count; id++) wanted[vocabulary.WordOf(id)] = id;
        var found = new SortedDictionary<int, float[]>();
        var duplicates = 0;
        var file = WordVectorFile.Read(path, wanted, embedding, sizeHint, (id, values) => found.Add(id, values), _ => duplicates++);
        var coverage = new WordVectorCoverage(System.IO.Path.GetFullPath(path), file.Sha256, file.Format, file.Gzip, file.Dimension, found.Count, wanted.Count, duplicates, file.Words);
        return new WordVectors(coverage, found.Keys.Select(i => (long)i).ToArray(), found.Values.SelectMany(v => v).ToArray());
    }

    /// <summary>
    /// Copies the vectors into <paramref name="model"/>'s embedding rows of their words (without recording gradients);
    /// the other rows keep their initialisation.
    /// </summary>
    public void CopyInto(CaptionModel model)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var weight = model.WordEmbedding.weight!; // (V, E)
        if (weight.shape[1] != Coverage.Dimension || ids.Any(id => id >= weight.shape[0]))
            throw new CaptioningException($"word vectors '{Coverage.File}' ({Coverage.Dimension}-d) do not fit the model's embedding [{string.Join(", ", weight.shape)}]");
        if (ids.Length == 0) return;
        var index = tensor(ids, device: weight.device); // (F)
        var values = tensor(rows, ids.Length, Coverage.Dimension).to(weight.dtype, weight.device); // (F, E)
        weight.index_copy_(0, index, values);
    }

    /// <summary>word-vectors.json inside <paramref name="run"/>'s folder.</summary>
    public static string PathIn(RunFolder run) => System.IO.Path.Combine(run.Path, "word-vectors.json");

    /// <summary>Writes <see cref="Coverage"/> to the run's word-vectors.json (atomically).</summary>
    public void WriteTo(RunFolder run) =>
        AtomicFile.WriteAllText(PathIn(run), JsonSerializer.Serialize(Coverage, new JsonSerializerOptions { WriteIndented = true }));
}
