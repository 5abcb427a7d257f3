using System.Buffers.Binary;
using System.Text.Json;

namespace Captioning.Tests.Training;

/// <summary>
/// Reads the float32 tensors of a .safetensors file straight from its bytes (8-byte header length, JSON header, data),
/// without the torch binding, so weight comparisons do not depend on the code under test.
/// </summary>
internal static class SafeTensorsFloats
{
    public static Dictionary<string, float[]> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        var data = 8 + headerLength;
        var tensors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__" || entry.Value.GetProperty("dtype").GetString() != "F32") continue;
            var offsets = entry.Value.GetProperty("data_offsets");
            var (begin, end) = (offsets[0].GetInt32(), offsets[1].GetInt32());
            var values = new float[(end - begin) / 4];
            for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(data + begin + 4 * i));
            tensors[entry.Name] = values;
        }
        return tensors;
    }

    /// <summary>The L2 norm of every float32 tensor of the file taken together.</summary>
    public static double Norm(string path) => Math.Sqrt(Read(path).Values.SelectMany(v => v).Sum(x => (double)x * x));
}
