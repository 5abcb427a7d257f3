using System.Runtime.InteropServices;
using Captioning.Features;
using Captioning.Tests.Data;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace Captioning.Tests.Features;

public sealed class FeatureStoreTests : NativeLeakGuard
{
    private readonly TempFolder folder = new();

    public override void Dispose()
    {
        folder.Dispose();
        base.Dispose();
    }

    internal static FeatureStoreIdentity Identity(ScalarType dtype = ScalarType.Float32, int dimension = 3, string encoder = "test-enc", string dataset = "ds1") =>
        new(encoder, "weights-hash", dataset, dimension, dtype);

    // Row i, column j holds i + j / 8 - 1.3 (exact in float32, rounded in float16).
    internal static float Value(int row, int column) => row + column / 8f - 1.3f;

    internal static byte[] Rows(int first, int count, int dimension, ScalarType dtype)
    {
        var values = new float[count * dimension];
        for (var i = 0; i < count; i++)
        for (var j = 0; j < dimension; j++)
            values[i * dimension + j] = Value(first + i, j);
        if (dtype == ScalarType.Float32) return MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        var halves = values.Select(v => (Half)v).ToArray();
        return MemoryMarshal.AsBytes(halves.AsSpan()).ToArray();
    }

    private string Write(int count, FeatureStoreIdentity identity, string name = "store.feat")
    {
        var path = Path.Combine(folder.Path, name);
        using var writer = FeatureStoreWriter.OpenOrResume(path, identity);
        var ids = Enumerable.Range(0, count).Select(i => $"img{i}").ToList();
        writer.Append(ids, Rows(0, count, identity.Dimension, identity.DType));
        writer.Finish();
        return path;
    }

    [Fact]
    public void RoundTrip_Float32_ValuesExact()
    {
        var path = Write(5, Identity());
        using var store = FeatureStore.Open(path, Identity());
        Assert.Equal(5, store.Count);
        Assert.Equal(["img0", "img1", "img2", "img3", "img4"], store.Header.Ids);
        Assert.Equal([Value(3, 0), Value(3, 1), Value(3, 2)], store.Read("img3"));
        using var batch = store.ReadRows([4, 0]);
        Assert.Equal([2L, 3L], batch.shape);
        Assert.Equal([Value(4, 0), Value(4, 1), Value(4, 2), Value(0, 0), Value(0, 1), Value(0, 2)], batch.data<float>().ToArray());
    }

    [Fact]
    public void RoundTrip_Float16_WithinHalfPrecision()
    {
        var path = Write(4, Identity(ScalarType.Float16));
        using var store = FeatureStore.Open(path, Identity(ScalarType.Float16));
        using var batch = store.ReadRows([1, 2, 3]);
        var values = batch.data<float>().ToArray();
        for (var i = 0; i < 3; i++)
        for (var j = 0; j < 3; j++)
        {
            var exact = Value(i + 1, j);
            Assert.Equal((float)(Half)exact, values[i * 3 + j]);
            Assert.True(Math.Abs(values[i * 3 + j] - exact) <= Math.Abs(exact) / 2048, $"{values[i * 3 + j]} vs {exact}");
        }
        Assert.Equal((float)(Half)Value(2, 1), store.Read("img2")[1]);
    }

    [Fact]
    public void Lookup_FindsRowsById()
    {
        var path = Write(1000, Identity(dimension: 2));
        using var store = FeatureStore.Open(path);
        Assert.Equal(731, store.RowOf("img731"));
        Assert.Equal(-1, store.TryGetRow("nope"));
        Assert.True(store.Contains("img0"));
        using var rows = store.ReadIds(["img999", "img5"]);
        Assert.Equal([Value(999, 0), Value(999, 1), Value(5, 0), Value(5, 1)], rows.data<float>().ToArray());
        var error = Assert.Throws<CaptioningException>(() => store.RowOf("nope"));
        Assert.Contains("'nope'", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Size_Flickr8kVgg16Float16_IsRowsPlusHeader()
    {
        // 8,092 images x 4,096 float16 values: the "about 66 MB".
        var identity = Identity(ScalarType.Float16, 4096);
        var path = Path.Combine(folder.Path, "flickr8k-vgg16.feat");
        var ids = Enumerable.Range(0, 8092).Select(i => $"{1000268201 + i}_{i:x8}").ToList();
        using (var writer = FeatureStoreWriter.OpenOrResume(path, identity))
        {
            foreach (var chunk in ids.Chunk(1024)) writer.Append(chunk, new byte[chunk.Length * 4096 * 2]);
            var header = writer.Finish();
            Assert.Equal(66_289_664L, header.DataBytes);
            var dataOffset = FeatureStoreHeader.DataOffset(header.JsonBytes().Length);
            Assert.Equal(dataOffset + 66_289_664L, new FileInfo(path).Length);
            Assert.Equal(0, dataOffset % 64);
        }
        using var store = FeatureStore.Open(path, identity);
        Assert.Equal(8092, store.Count);
        Assert.Equal(8091, store.RowOf(ids[^1]));
    }

    [Fact]
    public void Open_RefusesStoreOfAnotherEncoder()
    {
        var path = Write(2, Identity(encoder: "vgg16"));
        var error = Assert.Throws<CaptioningException>(() => FeatureStore.Open(path, Identity(encoder: "resnet50")));
        Assert.Contains("encoder 'vgg16' vs 'resnet50'", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Open_RefusesStoreOfAnotherDataset()
    {
        var path = Write(2, Identity(dataset: "flickr8k-fingerprint"));
        var error = Assert.Throws<CaptioningException>(() => FeatureStore.Open(path, Identity(dataset: "synthetic-fingerprint")));
        Assert.Contains("dataset fingerprint flickr8k-fingerp vs synthetic-finger", error.Message);
    }

    [Fact]
    public void Open_FailsChecksumAfterOneCorruptedByte()
    {
        var path = Write(3, Identity());
        var bytes = File.ReadAllBytes(path);
        bytes[^5] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<CaptioningException>(() => FeatureStore.Open(path));
        Assert.Contains("failed its checksum", error.Message);
        Assert.Contains("rerun `caption extract`", error.Message);
        using var unchecked_ = FeatureStore.Open(path, verifyChecksum: false);
        Assert.Equal(3, unchecked_.Count);
    }

    [Fact]
    public void Open_RefusesTruncatedFile()
    {
        var path = Write(3, Identity());
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);
        var error = Assert.Throws<CaptioningException>(() => FeatureStore.Open(path));
        Assert.Contains("truncated", error.Message);
        File.WriteAllBytes(path, bytes[..20]);
        Assert.Contains("truncated", Assert.Throws<CaptioningException>(() => FeatureStore.Open(path)).Message);
    }

    [Fact]
    public void PartialExtraction_NeverReadsAsComplete()
    {
        var path = Path.Combine(folder.Path, "unfinished.feat");
        using (var writer = FeatureStoreWriter.OpenOrResume(path, Identity()))
            writer.Append(["a", "b"], Rows(0, 2, 3, ScalarType.Float32));
        Assert.False(File.Exists(path));
        var error = Assert.Throws<CaptioningException>(() => FeatureStore.Open(path));
        Assert.Contains("unfinished extraction", error.Message);
        var asStore = Assert.Throws<CaptioningException>(() => FeatureStore.Open(FeatureStoreWriter.PartialPath(path)));
        Assert.Contains("not a feature store", asStore.Message);
    }

    [Fact]
    public void Writer_ResumesRowsOfAnInterruptedRun()
    {
        var path = Path.Combine(folder.Path, "resumed.feat");
        using (var first = FeatureStoreWriter.OpenOrResume(path, Identity()))
        {
            first.Append(["img0", "img1"], Rows(0, 2, 3, ScalarType.Float32));
            first.Skip("bad", "image 'bad.jpg' is empty");
        }
        // A kill after the rows but before the journal line leaves an orphan row, and a torn journal line.
        using (var rows = new FileStream(FeatureStoreWriter.PartialPath(path), FileMode.Append)) rows.Write(Rows(7, 1, 3, ScalarType.Float32));
        File.AppendAllText(FeatureStoreWriter.JournalPath(path), "+\timg");
        using (var second = FeatureStoreWriter.OpenOrResume(path, Identity()))
        {
            Assert.Equal(2, second.ResumedRows);
            Assert.Equal(1, second.ResumedSkips);
            Assert.True(second.IsDone("img1"));
            Assert.True(second.IsDone("bad"));
            Assert.False(second.IsDone("img2"));
            second.Append(["img2"], Rows(2, 1, 3, ScalarType.Float32));
            second.Finish();
        }
        using var store = FeatureStore.Open(path);
        Assert.Equal(["img0", "img1", "img2"], store.Header.Ids);
        Assert.Equal([new SkippedFeature("bad", "image 'bad.jpg' is empty")], store.Header.Skipped);
        Assert.Equal([Value(2, 0), Value(2, 1), Value(2, 2)], store.Read("img2"));
        Assert.False(File.Exists(FeatureStoreWriter.PartialPath(path)));
        Assert.False(File.Exists(FeatureStoreWriter.JournalPath(path)));
    }

    [Fact]
    public void Writer_DiscardsPartialOfAnotherSetup()
    {
        var path = Path.Combine(folder.Path, "switched.feat");
        using (var first = FeatureStoreWriter.OpenOrResume(path, Identity(encoder: "vgg16")))
            first.Append(["img0"], Rows(0, 1, 3, ScalarType.Float32));
        using var second = FeatureStoreWriter.OpenOrResume(path, Identity(encoder: "small-cnn"));
        Assert.Equal(0, second.ResumedRows);
        Assert.Contains("encoder 'vgg16' vs 'small-cnn'", second.DiscardedReason);
        Assert.Equal(0, new FileInfo(FeatureStoreWriter.PartialPath(path)).Length);
    }
}
