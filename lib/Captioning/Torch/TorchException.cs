namespace Captioning.Torch;

/// <summary>An error raised inside libtorch or the native shim, carrying libtorch's own message.</summary>
public sealed class TorchException : Exception
{
    /// <summary>Creates the exception from the native error message.</summary>
    public TorchException(string message) : base(message) { }
}
