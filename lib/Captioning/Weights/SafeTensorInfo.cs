using static TorchSharp.torch;

namespace Captioning.Weights;

/// <summary>One tensor's entry in a safetensors header: name, element type, shape and byte range within the data section.</summary>
/// <param name="Name">The tensor's key (a state-dict name).</param>
/// <param name="DType">The element type.</param>
/// <param name="Shape">Size of every dimension (empty for a 0-d tensor).</param>
/// <param name="Begin">First byte of the tensor's data, relative to the start of the data section.</param>
/// <param name="End">One past the last byte of the tensor's data, relative to the start of the data section.</param>
public sealed record SafeTensorInfo(string Name, ScalarType DType, long[] Shape, long Begin, long End)
{
    /// <summary>Number of bytes the tensor's data occupies.</summary>
    public long ByteCount => End - Begin;
}

/// <summary>The dtype names of the safetensors format and the order its reference writer lays tensors out in.</summary>
internal static class SafeTensorDTypes
{
    /// <summary>The names this reader understands, for error messages.</summary>
    public const string Supported = "F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL";

    public static bool IsSupported(ScalarType dtype) => NameOrNull(dtype) != null;

    public static string Name(ScalarType dtype) =>
        NameOrNull(dtype) ?? throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "no safetensors name for this dtype");

    private static string? NameOrNull(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => "F64",
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => null,
    };

    public static bool TryParse(string name, out ScalarType dtype)
    {
        ScalarType? parsed = name switch
        {
            "F64" => ScalarType.Float64,
            "F32" => ScalarType.Float32,
            "F16" => ScalarType.Float16,
            "BF16" => ScalarType.BFloat16,
            "I64" => ScalarType.Int64,
            "I32" => ScalarType.Int32,
            "I16" => ScalarType.Int16,
            "I8" => ScalarType.Int8,
            "U8" => ScalarType.Byte,
            "BOOL" => ScalarType.Bool,
            _ => null,
        };
        dtype = parsed ?? default;
        return parsed.HasValue;
    }

    /// <summary>
    /// Position in the reference implementation's dtype enum, which is ordered by alignment; its
    /// writer puts larger ranks first so that every tensor's data stays aligned to its element size.
    /// </summary>
    public static int AlignmentRank(ScalarType dtype) => dtype switch
    {
        ScalarType.Bool => 0,
        ScalarType.Byte => 1,
        ScalarType.Int8 => 2,
        ScalarType.Int16 => 5,
        ScalarType.Float16 => 7,
        ScalarType.BFloat16 => 8,
        ScalarType.Int32 => 9,
        ScalarType.Float32 => 11,
        ScalarType.Float64 => 12,
        ScalarType.Int64 => 13,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "no safetensors name for this dtype"),
    };
}
