using System.Security.Cryptography;
using Captioning.Models;
using Captioning.Training;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Training;

public sealed class WordVectorsTests : NativeLeakGuard
{
    private const int Dimension = 16; // TrainerTests.Model's embedding
    private readonly string root = Directory.CreateTempSubdirectory("word-vectors-").FullName;

    public override void Dispose()
    {
        Directory.Delete(root, recursive: true);
        base.Dispose();
    }

    // Six of the toy vocabulary's eight words (not golf, hotel), three words it lacks, and alpha again with other values.
    private static readonly string[] Listed = ["the", "alpha", "bravo", "xray", "charlie", "delta", "echo", "foxtrot", "yankee"];

    private static IEnumerable<(string, float[])> Entries(int dimension = Dimension) =>
        Listed.Select(w => (w, WordVectorFiles.VectorOf(w, dimension))).Append(("alpha", WordVectorFiles.VectorOf("alpha", dimension, salt: 1)));

    private string File(string name, string text, bool gzip = false) => WordVectorFiles.Write(Path.Combine(root, name), text, gzip);

    private static WordVectors Load(string path, long embedding = Dimension) =>
        WordVectors.Load(path, TrainerTests.ToyVocabulary(), embedding, "choose another --preset");

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Load_ReadsBothFormatsPlainOrGzip_WithCoverage(bool vec, bool gzip)
    {
        var path = File(vec ? "v.vec" : "v.txt", WordVectorFiles.Text(Entries(), vec), gzip);
        var vectors = Load(path);
        var vocabulary = TrainerTests.ToyVocabulary();
        var c = vectors.Coverage;
        Assert.Equal((vec ? "word2vec" : "glove", gzip, Dimension, 6, 8, 1, 10L), (c.Format, c.Gzip, c.Dimension, c.Found, c.Total, c.Duplicates, c.FileWords));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(System.IO.File.ReadAllBytes(path))), c.Sha256);
        Assert.Equal(Path.GetFullPath(path), c.File);
        Assert.Equal("6 of 8 words, 75.0% (1 duplicate lines ignored)", c.ToString());
        var words = vectors.Ids.Select(id => vocabulary.WordOf((int)id)).ToArray();
        Assert.Equal(["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"], words.Order(StringComparer.Ordinal));
        Assert.Equal(vectors.Ids.Order(), vectors.Ids);
        for (var i = 0; i < words.Length; i++)
            Assert.Equal(WordVectorFiles.VectorOf(words[i], Dimension), vectors.Row(i).ToArray()); // alpha: the first line wins
    }

    [Fact]
    public void Load_DimensionOtherThanTheEmbedding_NamesBothSizesAndTheFix()
    {
        var path = File("v.txt", WordVectorFiles.Text(Entries(8), vec: false));
        var e = Assert.Throws<CaptioningException>(() => Load(path));
        Assert.Equal($"word vectors '{path}' are 8-dimensional but the word embedding has 16 dimensions; choose another --preset", e.Message);
        // A .vec header is checked before any vector line.
        path = File("v.vec", "3 300\n", gzip: true);
        e = Assert.Throws<CaptioningException>(() => Load(path));
        Assert.StartsWith($"word vectors '{path}' are 300-dimensional but the word embedding has 16 dimensions", e.Message);
    }

    [Theory]
    [InlineData("alpha 1 2\nbravo 1 2 3\n", false, "line 2 has 3 values, expected 2")]
    [InlineData("alpha 1 2\n\nxray 1\n", false, "line 3 has 1 values, expected 2")]
    [InlineData("2 2\nalpha 1 2\nbravo 1 x2\n", false, "line 3 value 2 'x2' is not a finite number")]
    [InlineData("alpha 1 NaN\n", true, "line 1 value 2 'NaN' is not a finite number")]
    [InlineData("alpha\n", false, "line 1 has a word but no values")]
    public void Load_MalformedLine_NamesFileAndLine(string text, bool gzip, string expected)
    {
        var path = File("bad.txt", text, gzip);
        var e = Assert.Throws<CaptioningException>(() => Load(path, 2));
        Assert.StartsWith($"word vectors '{path}' {expected}", e.Message);
    }

    [Fact]
    public void Load_TruncatedVecOrMissingFile_Throws()
    {
        var path = File("short.vec", "3 2\nalpha 1 2 \nbravo 3 4 \n");
        Assert.Equal($"word vectors '{path}': the first line announces 3 words but the file has 2; it is truncated or damaged",
            Assert.Throws<CaptioningException>(() => Load(path, 2)).Message);
        var full = WordVectorFiles.Text(Entries(), vec: false);
        var gz = File("cut.txt.gz", full, gzip: true);
        var bytes = System.IO.File.ReadAllBytes(gz);
        System.IO.File.WriteAllBytes(gz, bytes[..(bytes.Length / 2)]);
        // .NET's GZipStream ends a cut stream without an error; the cut line is what gives it away.
        Assert.Matches($"^word vectors '{System.Text.RegularExpressions.Regex.Escape(gz)}' line \\d+ has \\d+ values, expected 16", Assert.Throws<CaptioningException>(() => Load(gz)).Message);
        var corrupt = File("corrupt.txt.gz", "");
        System.IO.File.WriteAllBytes(corrupt, [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0x03, 0xFF, 0xFF, 0xFF, 0xFF]);
        Assert.StartsWith($"word vectors '{corrupt}' are a damaged gzip file", Assert.Throws<CaptioningException>(() => Load(corrupt)).Message);
        Assert.StartsWith($"word vectors '{root}/nope.txt' do not exist", Assert.Throws<CaptioningException>(() => Load(Path.Combine(root, "nope.txt"))).Message);
    }

    [Fact]
    public void CopyInto_SetsTheFoundRowsAndKeepsTheOthers()
    {
        var vectors = Load(File("v.txt", WordVectorFiles.Text(Entries(), vec: false)));
        using var plain = TrainerTests.Model();
        using var model = TrainerTests.Model();
        vectors.CopyInto(model);
        var before = Rows(plain);
        var after = Rows(model);
        var vocabulary = TrainerTests.ToyVocabulary();
        for (var id = 0; id < vocabulary.Count; id++)
        {
            var i = vectors.Ids.ToList().IndexOf(id);
            Assert.Equal(i >= 0 ? vectors.Row(i).ToArray() : before[id], after[id]);
        }
        Assert.All(after[0], v => Assert.Equal(0f, v)); // <pad>
    }

    [Fact]
    public void Trainer_FreezeEmbeddings_KeepsTheVectorsWhileTheRestLearns()
    {
        var train = TrainerTests.Toy(24);
        var dev = TrainerTests.Toy(6, 24);
        try
        {
            var vectors = Load(File("v.txt.gz", WordVectorFiles.Text(Entries(), vec: false), gzip: true));
            var options = TrainerTests.Options with { Epochs = 3, FreezeEmbeddings = true, WeightDecay = 0.1 };
            using var model = TrainerTests.Model();
            vectors.CopyInto(model);
            var start = Rows(model);
            float[] lstm = Flat(model, "lstm.weight_ih_l0");
            var run = new RunFolder(Path.Combine(root, "frozen"));
            run.Initialise(model.Options, options, new RunInputs("toy", "toy", "none", "toy", vectors.Coverage.File, vectors.Coverage.Sha256), TrainerTests.ToyVocabulary());
            new Trainer().Run(model, train, dev, options, run);
            Assert.Equal(start, Rows(model));
            Assert.NotEqual(lstm, Flat(model, "lstm.weight_ih_l0"));
            var saved = SafeTensorsFloats.Read(run.LastCheckpointPath)["model.embed.weight"];
            Assert.Equal(start.SelectMany(r => r), saved);
            Assert.Equal(saved, SafeTensorsFloats.Read(run.BestCheckpointPath)["embed.weight"]);

            // Resumed for two more epochs, the embedding stays frozen.
            using var resumed = TrainerTests.Model();
            new Trainer().Run(resumed, train, dev, options with { Epochs = 5 }, run);
            Assert.Equal(start, Rows(resumed));

            // Without freezing, the same start is trained.
            using var free = TrainerTests.Model();
            vectors.CopyInto(free);
            var other = new RunFolder(Path.Combine(root, "free"));
            other.Initialise(free.Options, options with { FreezeEmbeddings = false }, new RunInputs("toy", "toy", "none", "toy"), TrainerTests.ToyVocabulary());
            new Trainer().Run(free, train, dev, options with { FreezeEmbeddings = false }, other);
            Assert.NotEqual(start, Rows(free));
        }
        finally
        {
            train.Features.Dispose();
            dev.Features.Dispose();
        }
    }

    [Fact]
    public void CheckResumable_RefusesOtherOrMissingVectors()
    {
        using var model = TrainerTests.Model();
        var run = new RunFolder(Path.Combine(root, "run"));
        var inputs = new RunInputs("toy", "toy", "none", "toy", "/v/a.txt", new string('a', 64));
        run.Initialise(model.Options, TrainerTests.Options, inputs, TrainerTests.ToyVocabulary());
        run.CheckResumable(model.Options, inputs with { WordVectors = "/moved/a.txt" }, TrainerTests.ToyVocabulary(), "fix it", TrainerTests.Options);
        var e = Assert.Throws<CaptioningException>(() => run.CheckResumable(model.Options, inputs with { WordVectors = "/v/b.txt", WordVectorsSha256 = new string('b', 64) },
            TrainerTests.ToyVocabulary(), "fix it", TrainerTests.Options));
        Assert.Equal($"cannot resume '{run.Path}': it was started with word vectors '/v/a.txt' (SHA-256 aaaaaaaaaaaaaaaa...), now given '/v/b.txt' (SHA-256 bbbbbbbbbbbbbbbb...); fix it", e.Message);
        e = Assert.Throws<CaptioningException>(() => run.CheckResumable(model.Options, inputs with { WordVectors = null, WordVectorsSha256 = null },
            TrainerTests.ToyVocabulary(), "fix it", TrainerTests.Options));
        Assert.Contains("(SHA-256 aaaaaaaaaaaaaaaa...), now given none; fix it", e.Message);
    }

    private static float[][] Rows(CaptionModel model)
    {
        using var weight = model.WordEmbedding.weight!;
        var flat = weight.data<float>().ToArray();
        var width = (int)weight.shape[1];
        return Enumerable.Range(0, (int)weight.shape[0]).Select(r => flat[(r * width)..((r + 1) * width)]).ToArray();
    }

    private static float[] Flat(CaptionModel model, string name)
    {
        using var scope = NewDisposeScope();
        return model.state_dict()[name].data<float>().ToArray();
    }
}
