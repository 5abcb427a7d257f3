namespace Captioning.Cli.Commands;

/// <summary>
/// Checks the paths a verb was given before any work starts, so that a missing input, a folder where a
/// file belongs or an output inside an existing file fails with one sentence naming the option.
/// </summary>
internal static class InputPaths
{
    /// <summary>An existing file; <paramref name="expected"/> says what it should hold, e.g. "a feature store from `caption extract`".</summary>
    internal static string File(string path, string option, string expected)
    {
        if (Directory.Exists(path)) throw new CaptioningException($"{option} '{path}' is a folder; expected {expected}");
        if (!System.IO.File.Exists(path)) throw new CaptioningException($"{option} '{path}' does not exist; expected {expected}");
        return path;
    }

    /// <summary>An existing folder; <paramref name="expected"/> says what it should hold.</summary>
    internal static string Folder(string path, string option, string expected)
    {
        if (System.IO.File.Exists(path)) throw new CaptioningException($"{option} '{path}' is a file; expected a folder holding {expected}");
        if (!Directory.Exists(path)) throw new CaptioningException($"{option} '{path}' does not exist; expected a folder holding {expected}");
        return path;
    }

    /// <summary>A file to write: it may exist (it is replaced), but must not be a folder nor lie under a file.</summary>
    internal static string OutputFile(string path, string option)
    {
        if (Directory.Exists(path)) throw new CaptioningException($"{option} '{path}' is a folder; expected the path of a file to write");
        CheckAncestors(path, option);
        return path;
    }

    /// <summary>A folder to write into: it may exist, but must not be a file nor lie under a file.</summary>
    internal static string OutputFolder(string path, string option)
    {
        if (System.IO.File.Exists(path)) throw new CaptioningException($"{option} '{path}' is a file; expected a folder to write into");
        CheckAncestors(path, option);
        return path;
    }

    /// <summary>An existing UTF-8 text file; binary content fails here rather than as a confusing error further on.</summary>
    internal static string TextFile(string path, string option, string expected)
    {
        File(path, option, expected);
        var bytes = System.IO.File.ReadAllBytes(path);
        var nul = Array.IndexOf(bytes, (byte)0);
        if (nul >= 0) throw new CaptioningException($"{option} '{path}' is not a text file (a NUL byte at offset {nul}); expected {expected}");
        try
        {
            _ = Strict.GetCharCount(bytes);
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new CaptioningException($"{option} '{path}' is not UTF-8 text (invalid byte at offset {e.Index}); expected {expected}");
        }
        return path;
    }

    private static readonly System.Text.UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Creating a folder below an existing file fails deep inside the job with an IOException that names
    // neither the option nor the culprit; the nearest existing ancestor tells us up front.
    private static void CheckAncestors(string path, string option)
    {
        for (var dir = Path.GetDirectoryName(Path.GetFullPath(path)); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if (Directory.Exists(dir)) return;
            if (System.IO.File.Exists(dir))
                throw new CaptioningException($"{option} '{path}': '{dir}' is a file, so nothing can be written inside it; choose another {option}");
        }
    }
}
