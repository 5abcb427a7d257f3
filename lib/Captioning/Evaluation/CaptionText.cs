using Captioning.Data;

namespace Captioning.Evaluation;

/// <summary>
/// Turns a caption into the tokens that are scored: sequence markers removed, then the project's
/// cleaning, so references and candidates are compared on equal terms.
/// </summary>
public static class CaptionText
{
    // The tutorial wraps captions in startseq/endseq; other code bases use <start>/<end>. Scoring
    // them would credit every candidate with free matching unigrams, so they never reach a metric.
    private static readonly HashSet<string> Markers = new(StringComparer.OrdinalIgnoreCase)
    {
        "<start>", "<end>", "startseq", "endseq",
    };

    /// <summary>Whether <paramref name="token"/> is a sequence marker that is never scored.</summary>
    public static bool IsMarker(string token) => Markers.Contains(token);

    /// <summary>The scored tokens of a raw caption: markers dropped (before cleaning turns "&lt;start&gt;" into "start"), then cleaned.</summary>
    public static string[] Tokens(string caption, CaptionCleaner cleaner)
    {
        var words = caption.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Where(w => !IsMarker(w));
        return cleaner.Tokens(string.Join(' ', words)).Where(t => !IsMarker(t)).ToArray();
    }

    /// <summary>Already tokenised words with the sequence markers removed.</summary>
    public static string[] StripMarkers(IEnumerable<string> tokens) => tokens.Where(t => !IsMarker(t)).ToArray();
}
