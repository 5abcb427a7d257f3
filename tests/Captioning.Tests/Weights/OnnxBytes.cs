using System.Text;

namespace Captioning.Tests.Weights;

/// <summary>Writes the few protobuf fields of an ONNX model that hold initializers, so tests can make small and malformed models.</summary>
internal static class OnnxBytes
{
    /// <summary>A ModelProto whose graph (field 7) holds these TensorProtos (GraphProto field 5), after an ir_version field (1).</summary>
    internal static byte[] Model(params byte[][] tensors)
    {
        var graph = tensors.SelectMany(t => Field(5, t)).Concat(Field(1, Encoding.UTF8.GetBytes("node-ignored"))).ToArray();
        return [.. Varint((1 << 3) | 0), .. Varint(3), .. Field(7, graph)];
    }

    /// <summary>A float32 TensorProto with packed float_data (field 4), as the CNTK export writes them.</summary>
    internal static byte[] FloatTensor(string name, long[] dims, float[] values, int dataType = 1) =>
        [.. Dims(dims), .. Varint((2 << 3) | 0), .. Varint(dataType), .. Field(4, values.SelectMany(BitConverter.GetBytes).ToArray()), .. Field(8, Encoding.UTF8.GetBytes(name))];

    /// <summary>A float32 TensorProto with raw_data (field 9), little-endian.</summary>
    internal static byte[] RawTensor(string name, long[] dims, float[] values) =>
        [.. Dims(dims), .. Varint((2 << 3) | 0), .. Varint(1), .. Field(8, Encoding.UTF8.GetBytes(name)), .. Field(9, values.SelectMany(BitConverter.GetBytes).ToArray())];

    private static byte[] Dims(long[] dims) => dims.SelectMany(d => Varint((1 << 3) | 0).Concat(Varint(d))).ToArray();

    private static byte[] Field(int number, byte[] payload) => [.. Varint((number << 3) | 2), .. Varint(payload.Length), .. payload];

    private static byte[] Varint(long value)
    {
        var bytes = new List<byte>();
        var v = (ulong)value;
        do
        {
            var b = (byte)(v & 0x7f);
            v >>= 7;
            bytes.Add(v == 0 ? b : (byte)(b | 0x80));
        } while (v != 0);
        return bytes.ToArray();
    }
}
