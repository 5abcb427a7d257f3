using System.Text;
using Captioning.Weights;
using Xunit;

namespace Captioning.Tests.Weights;

/// <summary>Builds safetensors files by hand, including broken ones.</summary>
internal static class SafeTensorsFiles
{
    public static string Write(string folder, string json, byte[] data, long? declaredLength = null) =>
        WriteRaw(folder, Encoding.UTF8.GetBytes(json), data, declaredLength);

    public static string WriteRaw(string folder, byte[] header, byte[] data, long? declaredLength = null)
    {
        var path = Path.Combine(folder, $"{Guid.NewGuid():N}.safetensors");
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes(declaredLength ?? header.Length));
        file.Write(header);
        file.Write(data);
        return path;
    }
}

public sealed class SafeTensorsMalformedTests : NativeLeakGuard
{
    private readonly string folder = Directory.CreateTempSubdirectory("captioning-bad-st-").FullName;

    public override void Dispose()
    {
        Directory.Delete(folder, recursive: true);
        base.Dispose();
    }

    private static string Entry(string name, string dtype, string shape, long begin, long end) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{shape}],\"data_offsets\":[{begin},{end}]}}";

    private string Fails(string path, params string[] fragments)
    {
        var e = Assert.Throws<CaptioningException>(() => SafeTensors.Load(path));
        Assert.Contains(path, e.Message);
        foreach (var f in fragments) Assert.Contains(f, e.Message);
        // The header-only readers validate just as strictly.
        Assert.Equal(e.Message, Assert.Throws<CaptioningException>(() => SafeTensors.ReadHeader(path)).Message);
        return e.Message;
    }

    [Fact]
    public void Load_ThrowsForMissingFile() =>
        Assert.Contains("does not exist", Assert.Throws<CaptioningException>(() => SafeTensors.Load(Path.Combine(folder, "nope.safetensors"))).Message);

    [Fact]
    public void Load_ThrowsForFileShorterThanLengthPrefix()
    {
        var path = Path.Combine(folder, "short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        Fails(path, "3 bytes", "fewer than the 8-byte header length prefix");
    }

    [Fact]
    public void Load_ThrowsForHeaderLengthLargerThanFile() =>
        Fails(SafeTensorsFiles.Write(folder, "{}", [], declaredLength: 1000), "header length prefix says 1000 bytes but only 2 bytes follow");

    [Fact]
    public void Load_ThrowsForHeaderAboveTheFormatLimit()
    {
        var path = SafeTensorsFiles.Write(folder, "{}", [], declaredLength: 100_000_008);
        using (var file = new FileStream(path, FileMode.Open)) file.SetLength(100_000_100); // sparse: costs no disk
        Fails(path, "100000008 bytes, more than the 100000000-byte limit");
    }

    [Fact]
    public void Load_ThrowsForMalformedJson() =>
        Fails(SafeTensorsFiles.Write(folder, "{\"a\": {\"dtype\": ", []), "JSON header is malformed");

    [Fact]
    public void Load_ThrowsForInvalidUtf8() =>
        Fails(SafeTensorsFiles.WriteRaw(folder, [(byte)'{', (byte)'"', 0xff, 0xfe, (byte)'"', (byte)':', (byte)'1', (byte)'}'], []), "JSON header is malformed");

    [Fact]
    public void Load_ThrowsForHeaderThatIsNotAnObject() =>
        Fails(SafeTensorsFiles.Write(folder, "[1, 2]", []), "does not start with '{'");

    [Fact]
    public void Load_ThrowsNamingTensorWithUnknownDType() =>
        Fails(SafeTensorsFiles.Write(folder, "{" + Entry("w", "U16", "2", 0, 4) + "}", new byte[4]), "tensor 'w'", "unknown or unsupported dtype 'U16'", "BF16");

    [Fact]
    public void Load_ThrowsWhenOffsetsDoNotMatchDTypeAndShape() =>
        Fails(SafeTensorsFiles.Write(folder, "{" + Entry("w", "F32", "2,3", 0, 20) + "}", new byte[20]),
            "tensor 'w'", "span 20 bytes but dtype F32 and shape [2, 3] need 24");

    [Fact]
    public void Load_ThrowsWhenOffsetsRunPastTheData() =>
        Fails(SafeTensorsFiles.Write(folder, "{" + Entry("w", "F32", "4", 0, 16) + "}", new byte[8]),
            "tensor 'w'", "run past the end of the 8-byte data section");

    [Fact]
    public void Load_ThrowsForOverlappingTensors() =>
        Fails(SafeTensorsFiles.Write(folder, "{" + Entry("a", "F32", "2", 0, 8) + "," + Entry("b", "F32", "2", 4, 12) + "}", new byte[12]),
            "tensor 'b'", "overlap tensor 'a' [0, 8]");

    [Fact]
    public void Load_ThrowsForGapBetweenTensors() =>
        Fails(SafeTensorsFiles.Write(folder, "{" + Entry("a", "F32", "1", 0, 4) + "," + Entry("b", "F32", "1", 8, 12) + "}", new byte[12]),
            "tensor 'b'", "begin at 8 but the previous tensor ends at 4");

    [Fact]
    public void Load_ThrowsForTrailingBytes() =>
        Fails(SafeTensorsFiles.Write(folder, "{" + Entry("a", "U8", "2", 0, 2) + "}", new byte[5]),
            "data section has 5 bytes but the header accounts for 2");

    [Fact]
    public void Load_ThrowsForOffsetsEndingBeforeTheyBegin() =>
        Fails(SafeTensorsFiles.Write(folder, "{" + Entry("a", "U8", "0", 4, 2) + "}", new byte[4]), "tensor 'a'", "end before they begin");

    [Fact]
    public void Load_ThrowsForDuplicateTensorName() =>
        Fails(SafeTensorsFiles.Write(folder, "{" + Entry("a", "U8", "1", 0, 1) + "," + Entry("a", "U8", "1", 1, 2) + "}", new byte[2]), "names 'a' twice");

    [Fact]
    public void Load_ThrowsForNegativeShape() =>
        Fails(SafeTensorsFiles.Write(folder, "{" + Entry("a", "U8", "-1", 0, 0) + "}", []), "tensor 'a'", "shape must hold non-negative integers, found -1");

    [Fact]
    public void Load_ThrowsForMissingAndUnexpectedFields()
    {
        Fails(SafeTensorsFiles.Write(folder, "{\"a\":{\"dtype\":\"U8\",\"shape\":[1]}}", [0]), "tensor 'a'", "missing data_offsets");
        Fails(SafeTensorsFiles.Write(folder, "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"offsets\":[0,1]}}", [0]),
            "tensor 'a'", "unexpected or repeated field 'offsets'");
    }

    [Fact]
    public void Load_ThrowsForNonStringMetadata()
    {
        var path = SafeTensorsFiles.Write(folder, "{\"__metadata__\":{\"epoch\":3}}", []);
        Fails(path, "metadata entry 'epoch' must be a string");
        Assert.Throws<CaptioningException>(() => SafeTensors.ReadMetadata(path));
    }

    [Fact]
    public void Load_ThrowsForShapeOverflow() =>
        Fails(SafeTensorsFiles.Write(folder, "{" + Entry("a", "F64", "4294967296,4294967296", 0, 0) + "}", []), "tensor 'a'", "overflows");
}
