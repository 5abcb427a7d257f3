using System.Text.Json.Nodes;
using Captioning.Data;
using Captioning.Tests.Training;
using Captioning.Training;
using Xunit;

namespace Captioning.Tests.Cli;

/// <summary>`caption train --word-vectors FILE [--freeze-embeddings]`: coverage reported and recorded, rows started or kept, refusals.</summary>
[Trait("Category", "Slow")]
[Collection(TrainedRunsCollection.Name)]
public sealed class TrainWordVectorsTests(TrainedRunsFixture fixture) : NativeLeakGuard
{
    private const int Embedding = 128; // the demo preset's

    private Vocabulary Vocabulary { get; } = TrainingData.BuildVocabulary(DatasetPreparer.Load(fixture.Pipeline.Data, null, new PrepareOptions()));

    // Every vocabulary word but the last two, plus two words the vocabulary lacks.
    private string VectorsFile(string name, bool vec, bool gzip, int dimension = Embedding, int salt = 0)
    {
        var words = Vocabulary.Words.Skip(Vocabulary.Specials.Count).SkipLast(2).Append("zzyzx").Append("quux");
        var text = WordVectorFiles.Text(words.Select(w => (w, WordVectorFiles.VectorOf(w, dimension, salt))), vec);
        return WordVectorFiles.Write(fixture.Pipeline.NewFolder(name), text, gzip);
    }

    private float[][] EmbeddingRows(string checkpoint, string key = "embed.weight")
    {
        var flat = SafeTensorsFloats.Read(checkpoint)[key];
        return Enumerable.Range(0, Vocabulary.Count).Select(r => flat[(r * Embedding)..((r + 1) * Embedding)]).ToArray();
    }

    private static string Best(string run) => Path.Combine(run, "checkpoints", "best.safetensors");

    [Fact]
    public void Train_FrozenWordVectors_CheckpointEmbeddingEqualsTheVectors()
    {
        var vectors = VectorsFile("frozen.vec.gz", vec: true, gzip: true);
        var run = fixture.Pipeline.NewFolder("frozen");
        var (code, _, stderr) = CliRunner.Run(fixture.TrainArgs(run, 2, "--seed", "3", "--word-vectors", vectors, "--freeze-embeddings"));
        Assert.True(code == 0, stderr);
        var total = Vocabulary.Count - Vocabulary.Specials.Count;
        Assert.Contains($"word vectors '{vectors}' (word2vec, 128-d): {total - 2:N0} of {total:N0} words, {100.0 * (total - 2) / total:F1}%", stderr);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "word-vectors.json")))!;
        Assert.Equal((total - 2, total, 0, 128, true), (json["Found"]!.GetValue<int>(), json["Total"]!.GetValue<int>(), json["Duplicates"]!.GetValue<int>(),
            json["Dimension"]!.GetValue<int>(), json["Gzip"]!.GetValue<bool>()));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(vectors))), json["Sha256"]!.GetValue<string>());
        Assert.True(TrainedRunsFixture.TrainingConfig(run)["FreezeEmbeddings"]!.GetValue<bool>());

        var best = EmbeddingRows(Best(run));
        var last = EmbeddingRows(Path.Combine(run, "checkpoints", "last.safetensors"), "model.embed.weight");
        for (var id = Vocabulary.Specials.Count; id < Vocabulary.Count - 2; id++)
        {
            Assert.Equal(WordVectorFiles.VectorOf(Vocabulary.WordOf(id), Embedding), best[id]);
            Assert.Equal(best[id], last[id]);
        }
        // The rest of the model did learn: its weights differ from the unfrozen run's start, which shares the seed.
        var start = SafeTensorsFloats.Read(Best(fixture.Shared(1, "--seed", "3", "--lr", "1e-12")));
        Assert.NotEqual(start["lstm.weight_ih_l0"], SafeTensorsFloats.Read(Best(run))["lstm.weight_ih_l0"]);
    }

    [Fact]
    public void Train_WordVectors_UnfrozenRowsStartFromTheVectors()
    {
        // At lr 1e-12 the weights stay as initialised, so the checkpoint shows the start: the vectors' rows, the others as without vectors.
        var vectors = VectorsFile("start.txt", vec: false, gzip: false);
        var run = fixture.Train("start", 1, "--seed", "3", "--lr", "1e-12", "--word-vectors", vectors);
        var plain = EmbeddingRows(Best(fixture.Shared(1, "--seed", "3", "--lr", "1e-12")));
        var started = EmbeddingRows(Best(run));
        for (var id = 0; id < Vocabulary.Count; id++)
        {
            var found = id >= Vocabulary.Specials.Count && id < Vocabulary.Count - 2;
            var expected = found ? WordVectorFiles.VectorOf(Vocabulary.WordOf(id), Embedding) : plain[id];
            Assert.True(expected.Zip(started[id], (a, b) => Math.Abs(a - b)).Max() < 1e-9, $"row {id} ({Vocabulary.WordOf(id)}) is not where it started");
        }
        Assert.False(TrainedRunsFixture.TrainingConfig(run)["FreezeEmbeddings"]!.GetValue<bool>());
    }

    [Fact]
    public void Train_WordVectorsOfAnotherDimension_ExitsOneNamingBothSizesAndThePreset()
    {
        var vectors = VectorsFile("small.txt.gz", vec: false, gzip: true, dimension: 50);
        var run = fixture.Pipeline.NewFolder("dim");
        var (code, _, stderr) = CliRunner.Run(fixture.TrainArgs(run, 1, "--word-vectors", vectors));
        Assert.Equal(1, code);
        Assert.Equal($"error: word vectors '{vectors}' are 50-dimensional but the word embedding has 128 dimensions; --preset demo sets 128; " +
            "choose a --preset with the vectors' size (brownlee-merge: 256, keras-ic: 300, demo: 128) or vectors of 128 dimensions", stderr.Trim());
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void Train_MalformedWordVectors_ExitsOneNamingFileAndLine()
    {
        var good = File.ReadAllLines(VectorsFile("good.vec", vec: true, gzip: false));
        good[3] = good[3].Replace(" 0.5 ", " 0.5.1 ", StringComparison.Ordinal).Replace(" -0.5 ", " -0.5.1 ", StringComparison.Ordinal);
        var bad = fixture.Pipeline.NewFolder("bad.vec");
        File.WriteAllLines(bad, good);
        var run = fixture.Pipeline.NewFolder("malformed");
        var (code, _, stderr) = CliRunner.Run(fixture.TrainArgs(run, 1, "--word-vectors", bad));
        Assert.Equal(1, code);
        Assert.Matches($"^error: word vectors '{System.Text.RegularExpressions.Regex.Escape(bad)}' line 4 value \\d+ '-?0\\.5\\.1' is not a finite number\n$", stderr);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void Train_ResumeWithOtherWordVectors_IsRefused()
    {
        var first = VectorsFile("a.txt", vec: false, gzip: false);
        var other = VectorsFile("b.txt", vec: false, gzip: false, salt: 5);
        var run = fixture.Train("resume", 1, "--seed", "3", "--word-vectors", first);
        var (code, _, stderr) = CliRunner.Run(fixture.TrainArgs(run, 2, "--seed", "3", "--resume", "--word-vectors", other));
        Assert.Equal(1, code);
        Assert.StartsWith($"error: cannot resume '{run}': it was started with word vectors '{first}' (SHA-256 ", stderr);
        Assert.Contains($"now given '{other}'", stderr);
        Assert.EndsWith("--word-vectors and --freeze-embeddings, or pass --force to start over", stderr.Trim());
        Assert.Single(stderr.Trim().Split('\n'));
        (code, _, stderr) = CliRunner.Run(fixture.TrainArgs(run, 2, "--seed", "3", "--resume"));
        Assert.Equal(1, code);
        Assert.Contains("now given none", stderr);
        // A changed --freeze-embeddings is a changed training setting.
        (code, _, stderr) = CliRunner.Run(fixture.TrainArgs(run, 2, "--seed", "3", "--resume", "--word-vectors", first, "--freeze-embeddings"));
        Assert.Equal(1, code);
        Assert.Contains("FreezeEmbeddings false (now true)", stderr);
        // The same file continues.
        (code, _, stderr) = CliRunner.Run(fixture.TrainArgs(run, 2, "--seed", "3", "--resume", "--word-vectors", first));
        Assert.True(code == 0, stderr);
        Assert.Equal([1, 2], new RunFolder(run).ReadMetrics().Select(m => m.Epoch));
    }
}
