using Captioning.Weights;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Weights;

/// <summary>Reads legacy (non-zip) checkpoints written by Debian's python3-torch and compares every value with what Python holds.</summary>
[Trait("Category", "Oracle")]
public sealed class LegacyCheckpointTests : NativeLeakGuard, IClassFixture<CheckpointFixture>
{
    private readonly CheckpointFixture oracle;

    public LegacyCheckpointTests(CheckpointFixture oracle) => this.oracle = oracle;

    [Theory]
    [InlineData("legacy.pth")]
    [InlineData("legacy-handmade.pth")]
    public void Load_LegacyMatchesPythonValuesForEveryTensor(string file)
    {
        using var tensors = PthCheckpoint.Load(oracle.PathOf(file));
        PthCheckpointTests.AssertMatches(oracle.Expected[file], tensors);
    }

    [Fact]
    public void Load_LegacyKeepsOrderDTypesAndSharedStorageViews()
    {
        using var tensors = PthCheckpoint.Load(oracle.PathOf("legacy.pth"));
        Assert.Equal(oracle.Expected["model.pth"].Count, tensors.Count);
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean"], tensors.Keys.Take(5));
        Assert.Equal(1L, tensors["1.num_batches_tracked"].item<long>());
        Assert.Equal(ScalarType.Float16, tensors["extra.half"].dtype);
        Assert.Equal(new float[] { 0, 3, 6, 9, 12, 1, 4, 7, 10, 13, 2, 5, 8, 11, 14 }, tensors["extra.transposed"].data<float>().ToArray());
        Assert.Equal(new float[] { 2.5f, 3, 3.5f, 4, 4.5f, 5 }, tensors["extra.shared_slice"].data<float>().ToArray());
        Assert.Equal(new float[] { 1, 4, 7, 10 }, tensors["extra.shared_column"].data<float>().ToArray());
    }

    [Fact]
    public void Load_LegacyReadsStorageViewsPython2OrderedDictsAndOldRebuildTensor()
    {
        // root = arange(12) * 0.25; the view is root[4:10]; from_view has offset 1, sizes (2, 2), strides (1, 2).
        using var tensors = PthCheckpoint.Load(oracle.PathOf("legacy-handmade.pth"));
        Assert.Equal(["from_view", "from_root", "old_rebuild"], tensors.Keys);
        Assert.Equal(new float[] { 1.25f, 1.75f, 1.5f, 2 }, tensors["from_view"].data<float>().ToArray());
        Assert.Equal(new float[] { 0, 1, 2 }, tensors["from_root"].data<float>().ToArray());
        Assert.Equal(new long[] { 6, 1L << 40 }, tensors["old_rebuild"].data<long>().ToArray());
    }

    [Fact]
    public void Load_LegacyReadsPicklesLongerThanTheFirstChunk()
    {
        using var tensors = PthCheckpoint.Load(oracle.PathOf("legacy-long-key.pth"));
        Assert.Equal(1_500_000, tensors.Keys.Single().Length);
        Assert.Equal(new float[] { 0, 1, 2 }, tensors.Values.Single().data<float>().ToArray());
    }

    [Fact]
    public void Load_LegacyRefusesMaliciousGlobalWithoutRunningIt()
    {
        var e = Assert.Throws<CaptioningException>(() => PthCheckpoint.Load(oracle.PathOf("legacy-evil.pth")));
        Assert.Contains("'posix system'", e.Message);
        Assert.Contains("legacy-evil.pth", e.Message);
        Assert.False(File.Exists(oracle.Marker), "the pickle's os.system call ran");
    }

    [Theory]
    [InlineData(10, "magic number")]
    [InlineData(300, "truncated")]
    [InlineData(-10, "the file ends at byte")]
    public void Load_LegacyThrowsForTruncatedFile(int cut, string expected)
    {
        var bytes = File.ReadAllBytes(oracle.PathOf("legacy.pth"));
        var path = oracle.PathOf($"legacy-cut{cut}.pth");
        File.WriteAllBytes(path, bytes[..(cut > 0 ? cut : bytes.Length + cut)]);
        var e = Assert.Throws<CaptioningException>(() => PthCheckpoint.Load(path));
        Assert.Contains($"legacy-cut{cut}.pth", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Load_LegacyThrowsWhenAStorageCountDisagreesWithThePickle()
    {
        // The file ends with storage "7" (8-byte count, 3 int64) then "100" (8-byte count, 12 float32).
        var bytes = File.ReadAllBytes(oracle.PathOf("legacy-handmade.pth"));
        var at = bytes.Length - (8 + 24 + 8 + 48);
        Assert.Equal(3, BitConverter.ToInt64(bytes, at));
        BitConverter.GetBytes(4L).CopyTo(bytes, at);
        var path = oracle.PathOf("legacy-bad-count.pth");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<CaptioningException>(() => PthCheckpoint.Load(path));
        Assert.Contains("legacy-bad-count.pth", e.Message);
        Assert.Contains($"storage '7' at byte {at} holds 4 elements but the pickle declares 3 Int64 elements", e.Message);
    }

    [Fact]
    public void Load_LegacyThrowsForAViewPastTheEndOfItsStorage()
    {
        var e = Assert.Throws<CaptioningException>(() => PthCheckpoint.Load(oracle.PathOf("legacy-bad-view.pth")));
        Assert.Contains("legacy-bad-view.pth", e.Message);
        Assert.Contains("view '101' of 6 elements at offset 7 runs past the end of storage '100' of 12 elements", e.Message);
    }

    [Fact]
    public void Load_LegacyThrowsForAnUnknownProtocolVersion()
    {
        // The second pickle, 80 02 4d e9 03 2e, is BININT2 1001 right after the 15-byte magic pickle.
        var bytes = File.ReadAllBytes(oracle.PathOf("legacy.pth"));
        Assert.Equal(new byte[] { 0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e }, bytes[15..21]);
        bytes[19] = 0x04;
        var path = oracle.PathOf("legacy-version.pth");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<CaptioningException>(() => PthCheckpoint.Load(path));
        Assert.Contains("'" + path + "': legacy checkpoint protocol version is int 1257, expected 1001", e.Message);
    }

    [Fact]
    public void Load_ThrowsForTarFormatCheckpoint()
    {
        var e = Assert.Throws<CaptioningException>(() => PthCheckpoint.Load(oracle.PathOf("legacy-tar.pth")));
        Assert.Contains("legacy-tar.pth", e.Message);
        Assert.Contains("tar-format PyTorch checkpoint (torch 0.1-0.3)", e.Message);
        Assert.Contains("torch.save(torch.load(path), new_path)", e.Message);
    }

    [Fact]
    public void Load_ThrowsForPickleWithoutTheMagicNumber()
    {
        var path = oracle.PathOf("plain-pickle.pth");
        File.WriteAllBytes(path, new PickleBytes().Proto(2).Int(5).Op('.').ToArray());
        var e = Assert.Throws<CaptioningException>(() => PthCheckpoint.Load(path));
        Assert.Contains("plain-pickle.pth", e.Message);
        Assert.Contains("does not open with torch's magic number", e.Message);
    }
}
