namespace Captioning.Torch;

/// <summary>Element types; the values equal libtorch's c10::ScalarType codes.</summary>
public enum DType
{
    /// <summary>8-bit unsigned integer (images).</summary>
    UInt8 = 0,
    /// <summary>8-bit signed integer.</summary>
    Int8 = 1,
    /// <summary>16-bit signed integer.</summary>
    Int16 = 2,
    /// <summary>32-bit signed integer.</summary>
    Int32 = 3,
    /// <summary>64-bit signed integer (token ids, indices).</summary>
    Int64 = 4,
    /// <summary>IEEE half precision.</summary>
    Float16 = 5,
    /// <summary>IEEE single precision, the default.</summary>
    Float32 = 6,
    /// <summary>IEEE double precision (gradient checks).</summary>
    Float64 = 7,
    /// <summary>Boolean masks.</summary>
    Bool = 11,
    /// <summary>Brain floating point.</summary>
    BFloat16 = 15,
}

/// <summary>Sizes and .NET counterparts of <see cref="DType"/>.</summary>
public static class DTypes
{
    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.UInt8 or DType.Int8 or DType.Bool => 1,
        DType.Int16 or DType.Float16 or DType.BFloat16 => 2,
        DType.Int32 or DType.Float32 => 4,
        DType.Int64 or DType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unsupported dtype"),
    };

    /// <summary>True for the floating-point element types.</summary>
    public static bool IsFloatingPoint(this DType dtype) =>
        dtype is DType.Float16 or DType.Float32 or DType.Float64 or DType.BFloat16;

    /// <summary>The dtype whose elements are the .NET type <typeparamref name="T"/>.</summary>
    public static DType Of<T>() where T : unmanaged => typeof(T) switch
    {
        var t when t == typeof(float) => DType.Float32,
        var t when t == typeof(double) => DType.Float64,
        var t when t == typeof(long) => DType.Int64,
        var t when t == typeof(int) => DType.Int32,
        var t when t == typeof(short) => DType.Int16,
        var t when t == typeof(byte) => DType.UInt8,
        var t when t == typeof(sbyte) => DType.Int8,
        var t when t == typeof(bool) => DType.Bool,
        var t when t == typeof(Half) => DType.Float16,
        var t => throw new ArgumentException($"no tensor dtype holds .NET type {t.Name}"),
    };

    /// <summary>Parses the names used on the command line and in files ("float32", "float16", ...).</summary>
    public static DType Parse(string name) => name.ToLowerInvariant() switch
    {
        "float32" or "float" or "f32" => DType.Float32,
        "float16" or "half" or "f16" => DType.Float16,
        "bfloat16" or "bf16" => DType.BFloat16,
        "float64" or "double" or "f64" => DType.Float64,
        "int64" or "long" => DType.Int64,
        "int32" or "int" => DType.Int32,
        "uint8" or "byte" => DType.UInt8,
        "bool" => DType.Bool,
        _ => throw new CaptioningException($"unknown dtype '{name}'; expected float32, float16, bfloat16, float64, int64, int32, uint8 or bool"),
    };
}
