using System.Buffers.Binary;
using TorchSharp;

namespace Captioning.Weights;

/// <summary>
/// Reads the float32 initializers (the stored weights) of an ONNX model file as tensors, and nothing else: the graph
/// is never run. Only the protobuf fields that hold them are decoded (ModelProto.graph = 7, GraphProto.initializer = 5,
/// TensorProto dims = 1, data_type = 2, float_data = 4, name = 8, raw_data = 9, data_location = 14); every other field is skipped by its wire type.
/// </summary>
/// <remarks>
/// A protobuf message is a sequence of (tag, value) pairs: the tag is a varint holding field number &lt;&lt; 3 | wire
/// type, and the wire type says how long the value is (0 varint, 1 eight bytes, 2 a varint length then that many bytes,
/// 5 four bytes). That is all a reader of these few fields needs, so no protobuf library is involved.
/// </remarks>
public static class OnnxInitializers
{
    private const int FloatType = 1; // TensorProto.DataType.FLOAT

    /// <summary>
    /// Every initializer of the model in <paramref name="path"/>, in file order, on the CPU. A missing, truncated or
    /// malformed file, and any initializer that is not float32 or is stored outside the file, throws a
    /// <see cref="CaptioningException"/> naming the file and what is wrong.
    /// </summary>
    public static TensorDictionary Read(string path)
    {
        if (!File.Exists(path)) throw new CaptioningException($"'{path}': ONNX model not found");
        var bytes = File.ReadAllBytes(path);
        var tensors = new TensorDictionary();
        try
        {
            var model = new Reader(bytes, 0, bytes.Length);
            var graphs = 0;
            while (model.Next(out var field, out var wire))
            {
                if (field == 7 && wire == 2)
                {
                    graphs++;
                    ReadGraph(model.Message(), tensors);
                }
                else model.Skip(wire);
            }
            if (graphs == 0) throw new FormatException("it holds no graph (ModelProto field 7)");
            return tensors;
        }
        catch (FormatException e)
        {
            tensors.Dispose();
            throw new CaptioningException($"'{path}' is not a readable ONNX model ({bytes.Length:N0} bytes): {e.Message}", e);
        }
        catch
        {
            tensors.Dispose();
            throw;
        }
    }

    private static void ReadGraph(Reader graph, TensorDictionary tensors)
    {
        while (graph.Next(out var field, out var wire))
        {
            if (field == 5 && wire == 2) ReadTensor(graph.Message(), tensors);
            else graph.Skip(wire);
        }
    }

    private static void ReadTensor(Reader tensor, TensorDictionary tensors)
    {
        var dims = new List<long>();
        var dataType = 0L;
        var name = "";
        var external = false;
        var floats = new List<float>();
        ReadOnlyMemory<byte>? raw = null;
        while (tensor.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 0): dims.Add(tensor.Varint()); break;
                case (1, 2): var packed = tensor.Message(); while (!packed.AtEnd) dims.Add(packed.Varint()); break;
                case (2, 0): dataType = tensor.Varint(); break;
                case (4, 5): floats.Add(tensor.Float()); break;
                case (4, 2): var values = tensor.Message(); while (!values.AtEnd) floats.Add(values.Float()); break;
                case (8, 2): name = tensor.String(); break;
                case (9, 2): raw = tensor.Bytes(); break;
                case (14, 0): external = tensor.Varint() == 1; break;
                default: tensor.Skip(wire); break;
            }
        }
        var shape = $"[{string.Join(", ", dims)}]";
        if (external) throw new FormatException($"initializer '{name}' {shape} is stored in an external file, which this reader does not follow");
        if (dataType != FloatType) throw new FormatException($"initializer '{name}' {shape} has ONNX data type {dataType}; expected 1 (float32)");
        var count = dims.Aggregate(1L, (a, d) => checked(a * d));
        float[] data;
        if (raw is { } rawBytes)
        {
            if (rawBytes.Length != count * 4) throw new FormatException($"initializer '{name}' {shape} holds {rawBytes.Length} raw bytes; expected {count * 4}");
            data = new float[count];
            for (var i = 0; i < count; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(rawBytes.Span.Slice(i * 4, 4));
        }
        else
        {
            if (floats.Count != count) throw new FormatException($"initializer '{name}' {shape} holds {floats.Count} values; expected {count}");
            data = floats.ToArray();
        }
        if (tensors.ContainsKey(name)) throw new FormatException($"initializer '{name}' appears twice");
        tensors.Add(name, torch.tensor(data, dims.ToArray())); // (dims)
    }

    /// <summary>A cursor over one protobuf message; every read checks the message's bounds.</summary>
    private sealed class Reader(byte[] buffer, int start, int end)
    {
        private int position = start;

        public bool AtEnd => position >= end;

        public bool Next(out int field, out int wire)
        {
            field = 0;
            wire = 0;
            if (AtEnd) return false;
            var tag = Varint();
            field = (int)(tag >> 3);
            wire = (int)(tag & 7);
            if (field == 0) throw new FormatException($"field number 0 at byte {position}");
            return true;
        }

        public long Varint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (position >= end) throw Truncated();
                var b = buffer[position++];
                value |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0) return (long)value;
            }
            throw new FormatException($"a varint longer than 10 bytes at byte {position}");
        }

        public float Float() => BinaryPrimitives.ReadSingleLittleEndian(Take(4).Span);

        public Reader Message()
        {
            var slice = Length();
            return new Reader(buffer, slice.Start, slice.End);
        }

        public ReadOnlyMemory<byte> Bytes()
        {
            var slice = Length();
            return buffer.AsMemory(slice.Start, slice.End - slice.Start);
        }

        public string String() => System.Text.Encoding.UTF8.GetString(Bytes().Span);

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: Take(8); break;
                case 2: Length(); break;
                case 5: Take(4); break;
                default: throw new FormatException($"wire type {wire} at byte {position} (groups and unknown types are not ONNX)");
            }
        }

        private (int Start, int End) Length()
        {
            var length = Varint();
            if (length < 0 || length > end - position) throw Truncated();
            var slice = (position, position + (int)length);
            position += (int)length;
            return slice;
        }

        private ReadOnlyMemory<byte> Take(int count)
        {
            if (count > end - position) throw Truncated();
            var slice = buffer.AsMemory(position, count);
            position += count;
            return slice;
        }

        private FormatException Truncated() => new($"the data ends inside a field at byte {position} of a message that should end at byte {end} (truncated file?)");
    }
}
