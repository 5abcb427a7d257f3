using System.IO.Compression;
using System.Text;

namespace Captioning.Tests.Weights;

/// <summary>Writes pickle opcodes by hand, so tests can craft pickles Python would never emit (or should never be trusted with).</summary>
internal sealed class PickleBytes
{
    private readonly List<byte> bytes = new();

    public byte[] ToArray() => bytes.ToArray();

    public PickleBytes Op(char op) => Raw((byte)op);

    public PickleBytes Raw(params byte[] values)
    {
        bytes.AddRange(values);
        return this;
    }

    public PickleBytes Proto(byte version) => Raw(0x80, version);

    public PickleBytes Global(string module, string name) => Op('c').Raw(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));

    public PickleBytes Str(string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        return Op('X').Raw(BitConverter.GetBytes(utf8.Length)).Raw(utf8);
    }

    public PickleBytes ShortStr(string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        return Raw(0x8c, (byte)utf8.Length).Raw(utf8);
    }

    public PickleBytes Int(long value) => value is >= 0 and < 256 ? Op('K').Raw((byte)value) : Raw(0x8a, 8).Raw(BitConverter.GetBytes(value));

    public PickleBytes Tuple(params long[] values)
    {
        Op('(');
        foreach (var v in values) Int(v);
        return Op('t');
    }

    public PickleBytes EmptyOrderedDict() => Global("collections", "OrderedDict").Op(')').Op('R');

    /// <summary>Pushes <c>_rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())</c> for a storage persistent id.</summary>
    public PickleBytes Tensor(string storageClass, string key, long numel, long offset, long[] size, long[] stride)
    {
        Global("torch._utils", "_rebuild_tensor_v2").Op('(');
        Op('(').Str("storage").Global("torch", storageClass).Str(key).Str("cpu").Int(numel).Op('t').Op('Q');
        Int(offset).Tuple(size).Tuple(stride).Raw(0x89).EmptyOrderedDict();
        return Op('t').Op('R');
    }

    /// <summary>A torch.save-style zip: <c>folder/data.pkl</c>, the given storages under <c>folder/data/</c>, and <c>folder/version</c>.</summary>
    public static string Zip(string path, string folder, byte[]? pickle, params (string Key, byte[] Data)[] storages)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        if (pickle != null) Add(zip, $"{folder}/data.pkl", pickle);
        foreach (var (key, data) in storages) Add(zip, $"{folder}/data/{key}", data);
        Add(zip, $"{folder}/version", "3\n"u8.ToArray());
        return path;
    }

    public static void Add(ZipArchive zip, string name, byte[] data)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        stream.Write(data);
    }
}
