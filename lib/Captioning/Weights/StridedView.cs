namespace Captioning.Weights;

/// <summary>
/// Turns a strided view of a raw storage (offset, sizes, strides in elements, as PyTorch pickles
/// them) into row-major bytes, so transposed or sliced tensors saved from Python load correctly.
/// </summary>
internal static class StridedView
{
    /// <summary>
    /// The index one past the last storage element the view touches (its offset when it is empty);
    /// throws <see cref="OverflowException"/> for sizes that overflow 64 bits.
    /// </summary>
    public static long Extent(long offset, long[] size, long[] stride)
    {
        if (size.Any(s => s == 0)) return offset;
        var last = offset;
        for (var d = 0; d < size.Length; d++) last = checked(last + (size[d] - 1) * stride[d]);
        return checked(last + 1);
    }

    /// <summary>True when the view reads one dense row-major run starting at its offset.</summary>
    public static bool IsContiguous(long[] size, long[] stride)
    {
        long expected = 1;
        for (var d = size.Length - 1; d >= 0; d--)
        {
            // A dimension of size 1 never advances, so its stride is irrelevant (PyTorch agrees).
            if (size[d] != 1 && stride[d] != expected) return false;
            expected *= size[d];
        }
        return true;
    }

    /// <summary>
    /// Copies the view's elements in row-major order out of <paramref name="storage"/>; the caller
    /// has checked with <see cref="Extent"/> that every index lies inside the storage.
    /// </summary>
    public static byte[] Gather(ReadOnlySpan<byte> storage, int elementSize, long offset, long[] size, long[] stride)
    {
        var count = size.Aggregate(1L, (n, s) => checked(n * s));
        var result = new byte[checked(count * elementSize)];
        if (count == 0) return result;
        if (size.Length == 0)
        {
            storage.Slice(checked((int)(offset * elementSize)), elementSize).CopyTo(result);
            return result;
        }

        var inner = size.Length - 1;
        var innerSize = size[inner];
        var innerStride = stride[inner];
        var rowBytes = checked((int)(innerSize * elementSize));
        var index = new long[inner]; // odometer over the outer dimensions
        var written = 0;
        while (true)
        {
            var start = offset;
            for (var d = 0; d < inner; d++) start += index[d] * stride[d];
            if (innerStride == 1)
            {
                storage.Slice((int)(start * elementSize), rowBytes).CopyTo(result.AsSpan(written));
            }
            else
            {
                for (long i = 0; i < innerSize; i++)
                    storage.Slice((int)((start + i * innerStride) * elementSize), elementSize).CopyTo(result.AsSpan(written + (int)(i * elementSize)));
            }
            written += rowBytes;

            var dim = inner - 1;
            while (dim >= 0 && ++index[dim] == size[dim])
            {
                index[dim] = 0;
                dim--;
            }
            if (dim < 0) return result;
        }
    }
}
