namespace Captioning.Torch.Serialization;

/// <summary>One tensor's entry in a safetensors header: name, element type, shape and byte range within the data section.</summary>
/// <param name="Name">The tensor's key (a state-dict name).</param>
/// <param name="DType">The element type.</param>
/// <param name="Shape">Size of every dimension (empty for a 0-d tensor).</param>
/// <param name="Begin">First byte of the tensor's data, relative to the start of the data section.</param>
/// <param name="End">One past the last byte of the tensor's data, relative to the start of the data section.</param>
public sealed record SafeTensorInfo(string Name, DType DType, long[] Shape, long Begin, long End)
{
    /// <summary>Number of bytes the tensor's data occupies.</summary>
    public long ByteCount => End - Begin;
}

/// <summary>The dtype names of the safetensors format and the order its reference writer lays tensors out in.</summary>
internal static class SafeTensorDTypes
{
    /// <summary>The names this reader understands, for error messages.</summary>
    public const string Supported = "F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL";

    public static string Name(DType dtype) => dtype switch
    {
        DType.Float64 => "F64",
        DType.Float32 => "F32",
        DType.Float16 => "F16",
        DType.BFloat16 => "BF16",
        DType.Int64 => "I64",
        DType.Int32 => "I32",
        DType.Int16 => "I16",
        DType.Int8 => "I8",
        DType.UInt8 => "U8",
        DType.Bool => "BOOL",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "no safetensors name for this dtype"),
    };

    public static bool TryParse(string name, out DType dtype)
    {
        DType? parsed = name switch
        {
            "F64" => DType.Float64,
            "F32" => DType.Float32,
            "F16" => DType.Float16,
            "BF16" => DType.BFloat16,
            "I64" => DType.Int64,
            "I32" => DType.Int32,
            "I16" => DType.Int16,
            "I8" => DType.Int8,
            "U8" => DType.UInt8,
            "BOOL" => DType.Bool,
            _ => null,
        };
        dtype = parsed ?? default;
        return parsed.HasValue;
    }

    /// <summary>
    /// Position in the reference implementation's dtype enum, which is ordered by alignment; its
    /// writer puts larger ranks first so that every tensor's data stays aligned to its element size.
    /// </summary>
    public static int AlignmentRank(DType dtype) => dtype switch
    {
        DType.Bool => 0,
        DType.UInt8 => 1,
        DType.Int8 => 2,
        DType.Int16 => 5,
        DType.Float16 => 7,
        DType.BFloat16 => 8,
        DType.Int32 => 9,
        DType.Float32 => 11,
        DType.Float64 => 12,
        DType.Int64 => 13,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "no safetensors name for this dtype"),
    };
}
