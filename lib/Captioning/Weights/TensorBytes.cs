using TorchSharp;
using static TorchSharp.torch;

namespace Captioning.Weights;

/// <summary>
/// Moves raw little-endian tensor data between files and <see cref="Tensor"/>s with one memory copy each
/// way: <see cref="Tensor.bytes"/> is TorchSharp's span over a dense CPU tensor's own memory, so bytes are
/// copied straight into a fresh <c>torch.empty</c> (reading) or straight out of the tensor (writing).
/// </summary>
/// <remarks>
/// <c>torch.frombuffer</c> would skip the copy on reading, but it pins the managed array for the tensor's
/// whole life and shares its memory, which a state dict that outlives the file's buffer must not do.
/// </remarks>
internal static class TensorBytes
{
    /// <summary>A new tensor of <paramref name="dtype"/> and <paramref name="shape"/> holding <paramref name="data"/> (row-major), on <paramref name="device"/> (CPU when null).</summary>
    public static Tensor FromBytes(ReadOnlySpan<byte> data, ScalarType dtype, long[] shape, Device? device)
    {
        var host = empty(shape, dtype, device: CPU);
        try
        {
            if (data.Length != host.NumberOfElements * dtype.ElementSize())
                throw new ArgumentException($"{data.Length} bytes do not fill a {dtype} tensor of shape [{string.Join(", ", shape)}]", nameof(data));
            if (data.Length > 0) data.CopyTo(host.bytes);
            if (device is null || device.type == DeviceType.CPU) return host;
            using (host) return host.to(device);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The row-major bytes of <paramref name="tensor"/> (any device, any layout), valid until the returned
    /// view is disposed: the tensor's own memory when it is a dense CPU tensor, else a dense CPU copy.
    /// </summary>
    public static HostBytes Of(Tensor tensor) => new(tensor);

    /// <summary>A dense CPU view of a tensor's data; disposing it frees the copy it may have made.</summary>
    public readonly struct HostBytes : IDisposable
    {
        private readonly Tensor dense;
        private readonly bool owned;

        internal HostBytes(Tensor tensor)
        {
            if (tensor.device_type == DeviceType.CPU && tensor.is_contiguous())
            {
                dense = tensor;
                return;
            }
            using var host = tensor.cpu(); // (same shape) on the CPU, still in the source's layout
            dense = host.contiguous();
            owned = true;
        }

        /// <summary>The data; empty for a tensor without elements (whose data pointer may be null).</summary>
        public ReadOnlySpan<byte> Span => dense.NumberOfElements == 0 ? default : dense.bytes;

        /// <inheritdoc/>
        public void Dispose()
        {
            if (owned) dense.Dispose();
        }
    }
}
