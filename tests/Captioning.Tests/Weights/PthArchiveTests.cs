using System.IO.Compression;
using Captioning.Weights;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;

namespace Captioning.Tests.Weights;

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
        Assert.Equal(new long[] { 4, 2, 3 }, tensors["p"].shape);
        Assert.Equal(expected, tensors["p"].data<float>().ToArray());
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
        Assert.Equal(new long[] { -3, 9 }, tensors["w"].data<long>().ToArray());
    }

    [Fact]
    public void Load_RefusesAGlobalOutsideTheWhitelistBeforePyBridgeReadsTheFile()
    {
        // The tensor comes first and names storage "9", which the zip lacks: PyBridge, reading on its own, fails
        // there (InvalidOperationException) and never reaches the global. The guard reads the whole pickle first.
        var pickle = new PickleBytes().Proto(2).Op('}').Op('(')
            .Str("w").Tensor("FloatStorage", "9", 1, 0, [1], [1])
            .Str("payload").Global("posix", "system").Str("touch /tmp/never").Raw(0x85).Op('R')
            .Op('u').Op('.').ToArray();
        var path = PickleBytes.Zip(Path_("evil-late.pth"), "archive", pickle);

        using (torch.NewDisposeScope())
            Assert.Throws<InvalidOperationException>(() => PyTorchUnpickler.UnpickleStateDict(path));
        var e = Assert.Throws<CaptioningException>(() => PthCheckpoint.Load(path));
        Assert.StartsWith($"'{path}:archive/data.pkl': the pickle refers to the Python global 'posix system'", e.Message);
    }

    [Fact]
    public void Load_ReadsAPlainStateDictThroughPyBridgeInPickleOrder()
    {
        // Twenty keys in an order no hashtable keeps, one storage shared by two keys at offset 0, a 0-d and an empty tensor.
        var keys = Enumerable.Range(0, 20).Select(i => $"layer{(i * 7) % 20}.weight").ToList();
        var p = new PickleBytes().Proto(2).EmptyOrderedDict().Op('(');
        var storages = new List<(string, byte[])>();
        for (var i = 0; i < keys.Count; i++)
        {
            p.Str(keys[i]).Tensor("FloatStorage", $"{i}", 6, 0, [2, 3], [3, 1]);
            storages.Add(($"{i}", Floats(Enumerable.Range(0, 6).Select(v => (float)(100 * i + v)).ToArray())));
        }
        p.Str("shared.prefix").Tensor("FloatStorage", "0", 6, 0, [4], [1]);
        p.Str("scalar").Tensor("LongStorage", "s", 1, 0, [], []);
        p.Str("empty").Tensor("FloatStorage", "e", 0, 0, [0, 3], [3, 1]);
        storages.Add(("s", BitConverter.GetBytes(-7L)));
        storages.Add(("e", []));
        var path = PickleBytes.Zip(Path_("plain.pth"), "resnet-tiny", p.Op('u').Op('.').ToArray(), [.. storages]);

        Assert.True(ReadThroughPyBridge(path));
        using var tensors = PthCheckpoint.Load(path);
        Assert.Equal([.. keys, "shared.prefix", "scalar", "empty"], tensors.Keys);
        for (var i = 0; i < keys.Count; i++)
        {
            Assert.Equal(new long[] { 2, 3 }, tensors[keys[i]].shape);
            Assert.Equal(Enumerable.Range(0, 6).Select(v => (float)(100 * i + v)), tensors[keys[i]].data<float>().ToArray());
        }
        Assert.Equal(new float[] { 0, 1, 2, 3 }, tensors["shared.prefix"].data<float>().ToArray());
        Assert.Equal(-7L, tensors["scalar"].item<long>());
        Assert.Empty(tensors["scalar"].shape);
        Assert.Equal(new long[] { 0, 3 }, tensors["empty"].shape);
    }

    [Fact]
    public void Load_KeepsViewsParametersAndStrayEntriesAwayFromPyBridge()
    {
        var view = StateDict("w", p => p.Tensor("FloatStorage", "0", 4, 1, [3], [1]));
        Assert.False(ReadThroughPyBridge(PickleBytes.Zip(Path_("view.pth"), "archive", view, ("0", Floats(1, 2, 3, 4)))));
        var transposed = StateDict("w", p => p.Tensor("FloatStorage", "0", 4, 0, [2, 2], [1, 2]));
        Assert.False(ReadThroughPyBridge(PickleBytes.Zip(Path_("t.pth"), "archive", transposed, ("0", Floats(1, 2, 3, 4)))));
        var parameter = StateDict("w", p =>
        {
            p.Global("torch._utils", "_rebuild_parameter");
            p.Tensor("FloatStorage", "0", 1, 0, [1], [1]).Raw(0x88).EmptyOrderedDict().Raw(0x87).Op('R');
        });
        Assert.False(ReadThroughPyBridge(PickleBytes.Zip(Path_("param.pth"), "archive", parameter, ("0", Floats(1)))));

        // PyBridge would take the first entry whose path ends in data/0, which here lies outside the checkpoint's folder.
        var plain = StateDict("w", p => p.Tensor("FloatStorage", "0", 1, 0, [1], [1]));
        var stray = Path_("stray.pth");
        using (var zip = ZipFile.Open(stray, ZipArchiveMode.Create))
        {
            PickleBytes.Add(zip, "decoy/data/0", Floats(666));
            PickleBytes.Add(zip, "archive/data.pkl", plain);
            PickleBytes.Add(zip, "archive/data/0", Floats(5));
        }
        Assert.False(ReadThroughPyBridge(stray));
        using var tensors = PthCheckpoint.Load(stray);
        Assert.Equal(new float[] { 5 }, tensors["w"].data<float>().ToArray());
    }

    [Fact]
    public void Load_ReadsLargeIntegersPickledAsLong1()
    {
        // torch.save pickles sizes below 2^31 as BININT; LONG1 is legal too, and PyBridge must not choke on it.
        var pickle = StateDict("w", p => p.Tensor("FloatStorage", "0", 300, 0, [300], [1]));
        var path = PickleBytes.Zip(Path_("long1.pth"), "archive", pickle, ("0", Floats(Enumerable.Range(0, 300).Select(i => (float)i).ToArray())));
        Assert.False(ReadThroughPyBridge(path));
        using var tensors = PthCheckpoint.Load(path);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (float)i), tensors["w"].data<float>().ToArray());
    }

    // Whether PthCheckpoint hands this zip to TorchSharp.PyBridge after the guard, as it decides.
    internal static bool ReadThroughPyBridge(string path)
    {
        using var stream = File.OpenRead(path);
        using var archive = PthArchive.Open(stream, path);
        return archive.PyBridgeReadsAsChecked(PthCheckpoint.AllTensors(archive.ReadPickle()));
    }
}
