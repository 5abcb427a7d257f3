using System.IO.Compression;
using Captioning.Torch;
using Captioning.Torch.Serialization;
using Xunit;

namespace Captioning.Tests.Torch.Serialization;

/// <summary>Checkpoints assembled by hand (zip + crafted pickle), for layouts and faults torch.save does not produce on demand.</summary>
public sealed class PthArchiveTests : NativeLeakGuard
{
    private readonly string folder = Directory.CreateTempSubdirectory("captioning-pth-").FullName;

    public override void Dispose()
    {
        Directory.Delete(folder, recursive: true);
        base.Dispose();
    }

    private static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    private static byte[] StateDict(string key, Action<PickleBytes> tensor)
    {
        var p = new PickleBytes().Proto(2).EmptyOrderedDict().Op('(').Str(key);
        tensor(p);
        return p.Op('u').Op('.').ToArray();
    }

    private string Path_(string name) => Path.Combine(folder, name);

    [Fact]
    public void Load_GathersAPermutedThreeDimensionalView()
    {
        // Storage 0..23 as (2, 3, 4) viewed as permute(2, 0, 1): size (4, 2, 3), strides (1, 12, 4).
        var pickle = StateDict("p", p => p.Tensor("FloatStorage", "0", 24, 0, [4, 2, 3], [1, 12, 4]));
        var path = PickleBytes.Zip(Path_("p.pth"), "whatever-name", pickle, ("0", Floats(Enumerable.Range(0, 24).Select(i => (float)i).ToArray())));
        using var tensors = PthCheckpoint.Load(path);
        var expected = new List<float>();
        for (var k = 0; k < 4; k++)
            for (var i = 0; i < 2; i++)
                for (var j = 0; j < 3; j++)
                    expected.Add(i * 12 + j * 4 + k);
        Assert.Equal(new long[] { 4, 2, 3 }, tensors["p"].Shape);
        Assert.Equal(expected, tensors["p"].ToArray<float>());
    }

    [Fact]
    public void Load_ThrowsForZipWithoutDataPkl()
    {
        var path = PickleBytes.Zip(Path_("nopkl.pth"), "archive", null, ("0", Floats(1)));
        var e = Assert.Throws<CaptioningException>(() => PthCheckpoint.Load(path));
        Assert.Contains("no '<folder>/data.pkl' entry", e.Message);
        Assert.Contains("archive/data/0", e.Message);
    }

    [Fact]
    public void Load_ThrowsForFileThatIsNotACheckpoint()
    {
        var path = Path_("notes.pth");
        File.WriteAllText(path, "just some text, no zip here");
        Assert.Contains("is not a PyTorch checkpoint", Assert.Throws<CaptioningException>(() => PthCheckpoint.Load(path)).Message);
        Assert.Contains("does not exist", Assert.Throws<CaptioningException>(() => PthCheckpoint.Load(Path_("missing.pth"))).Message);
    }

    [Fact]
    public void Load_ThrowsForMissingStorageEntry()
    {
        var pickle = StateDict("w", p => p.Tensor("FloatStorage", "5", 2, 0, [2], [1]));
        var path = PickleBytes.Zip(Path_("nostorage.pth"), "archive", pickle);
        Assert.Contains("no entry 'archive/data/5'", Assert.Throws<CaptioningException>(() => PthCheckpoint.Load(path)).Message);
    }

    [Fact]
    public void Load_ThrowsForStorageOfWrongSize()
    {
        var pickle = StateDict("w", p => p.Tensor("FloatStorage", "0", 3, 0, [3], [1]));
        var path = PickleBytes.Zip(Path_("short.pth"), "archive", pickle, ("0", Floats(1, 2)));
        Assert.Contains("holds 8 bytes but the pickle declares 3 Float32 elements (12 bytes)", Assert.Throws<CaptioningException>(() => PthCheckpoint.Load(path)).Message);
    }

    [Fact]
    public void Load_ThrowsForViewPastTheEndOfItsStorage()
    {
        var pickle = StateDict("w", p => p.Tensor("FloatStorage", "0", 4, 1, [2, 2], [2, 1]));
        var path = PickleBytes.Zip(Path_("oob.pth"), "archive", pickle, ("0", Floats(1, 2, 3, 4)));
        var e = Assert.Throws<CaptioningException>(() => PthCheckpoint.Load(path));
        Assert.Contains("tensor 'w'", e.Message);
        Assert.Contains("reads past the end of storage '0' of 4 elements", e.Message);
    }

    [Fact]
    public void Load_ThrowsForBigEndianCheckpoint()
    {
        var pickle = StateDict("w", p => p.Tensor("FloatStorage", "0", 1, 0, [1], [1]));
        var path = PickleBytes.Zip(Path_("be.pth"), "archive", pickle, ("0", Floats(1)));
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update)) PickleBytes.Add(zip, "archive/byteorder", "big"u8.ToArray());
        Assert.Contains("'big' byte order", Assert.Throws<CaptioningException>(() => PthCheckpoint.Load(path)).Message);
    }

    [Fact]
    public void Load_ThrowsListingKeysForDictThatIsNoStateDict()
    {
        var pickle = new PickleBytes().Proto(2).Op('}').Op('(').Str("epoch").Int(4).Str("weights").EmptyOrderedDict().Op('u').Op('.').ToArray();
        var path = PickleBytes.Zip(Path_("odd.pth"), "archive", pickle);
        var e = Assert.Throws<CaptioningException>(() => PthCheckpoint.Load(path));
        Assert.Contains("key 'epoch' holds int 4", e.Message);
        Assert.Contains("'weights' (dict of 0)", e.Message);
        using var empty = PthCheckpoint.LoadStateDict(path, "weights");
        Assert.Empty(empty);
    }

    [Fact]
    public void Load_UnwrapsParameters()
    {
        var pickle = StateDict("w", p =>
        {
            p.Global("torch._utils", "_rebuild_parameter");
            p.Tensor("LongStorage", "0", 2, 0, [2], [1]).Raw(0x88).EmptyOrderedDict().Raw(0x87).Op('R');
        });
        var path = PickleBytes.Zip(Path_("param.pth"), "archive", pickle, ("0", BitConverter.GetBytes(-3L).Concat(BitConverter.GetBytes(9L)).ToArray()));
        using var tensors = PthCheckpoint.Load(path);
        Assert.Equal(new long[] { -3, 9 }, tensors["w"].ToArray<long>());
    }
}
