namespace Captioning;

/// <summary>An error the user can fix (bad path, malformed file, unknown option value); the CLI exits with code 1.</summary>
public class CaptioningException : Exception
{
    /// <summary>Creates the exception with a message that names the file, line, key or option at fault.</summary>
    public CaptioningException(string message) : base(message) { }

    /// <summary>Creates the exception wrapping the underlying cause.</summary>
    public CaptioningException(string message, Exception inner) : base(message, inner) { }
}
