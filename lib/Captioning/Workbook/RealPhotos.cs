using System.Globalization;
using Captioning.Data;
using Captioning.Features;
using Captioning.Inference;

namespace Captioning.Workbook;

/// <summary>
/// Notebook 05's real photographs: the files of its realPhotos parameter that exist, and a note naming the ones that do
/// not (with the Debian package that provides the sample photograph, when that is the one missing).
/// </summary>
/// <param name="Found">The files that exist, in the order given.</param>
/// <param name="Missing">The files that do not exist or are not .jpg/.jpeg/.png.</param>
public sealed record RealPhotos(IReadOnlyList<string> Found, IReadOnlyList<string> Missing)
{
    /// <summary>A real photograph that ships with Debian, in its package <see cref="SamplePackage"/>.</summary>
    public const string DebianSamplePhoto = "/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg";

    /// <summary>The Debian package of matplotlib's sample data, which holds <see cref="DebianSamplePhoto"/>.</summary>
    public const string SamplePackage = "python-matplotlib-data";

    private const string SampleFolder = "/usr/share/matplotlib/mpl-data/";
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png"];

    /// <summary>The photos of <paramref name="paths"/>, separated by ';' (empty: none).</summary>
    public static RealPhotos Find(string paths)
    {
        var all = paths.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        bool usable(string p) => File.Exists(p) && Extensions.Contains(Path.GetExtension(p), StringComparer.OrdinalIgnoreCase);
        return new RealPhotos(all.Where(usable).ToList(), all.Where(p => !usable(p)).ToList());
    }

    /// <summary>What is missing and how to get it, one line per file; empty when every file was found.</summary>
    public string MissingNote() => string.Join("\n", Missing.Select(p =>
        p.StartsWith(SampleFolder, StringComparison.Ordinal)
            ? $"'{p}' is missing: matplotlib's sample files come with Debian's {SamplePackage} package. Install it with environment/setup (or sudo apt-get install {SamplePackage}), then rerun this cell."
            : File.Exists(p)
                ? $"'{p}' is not a .jpg, .jpeg or .png file; realPhotos lists photo files separated by ';'."
                : $"'{p}' does not exist; realPhotos lists photo files separated by ';'."));

    /// <summary>
    /// What the model said about the photos and why: the words it could use (from <paramref name="vocabulary"/>, learnt
    /// from synthetic shape scenes when <paramref name="syntheticTraining"/>) and what the <paramref name="encoder"/> saw
    /// of each photo (an image of <paramref name="inputSize"/> pixels a side).
    /// </summary>
    public static string About(IReadOnlyList<PhotoCaption> captions, Vocabulary vocabulary, bool syntheticTraining, string encoder, int inputSize)
    {
        if (captions.Count == 0) return "No real photograph to caption.";
        var said = string.Join("; ", captions.Select(c => c.Caption.Length == 0
            ? $"{Path.GetFileName(c.Path)} gets no words at all (the model ended the caption at once)"
            : $"it calls {Path.GetFileName(c.Path)} '{c.Caption}'"));
        var words = vocabulary.Count - Vocabulary.Specials.Count;
        var learnt = syntheticTraining
            ? string.Create(CultureInfo.InvariantCulture,
                $"The caption model learnt its {words} words from descriptions of synthetic scenes: shapes ({Known(vocabulary, "shape")}), colours ({Known(vocabulary, "shape colour")}), sizes, counts, positions and backgrounds. Those are the only words it can use, so whatever it says about a photo is said in them: {said}.")
            : string.Create(CultureInfo.InvariantCulture, $"The caption model learnt its {words} words from the dataset's captions: {said}.");
        var size = string.Create(CultureInfo.InvariantCulture, $"{inputSize}x{inputSize}");
        var saw = encoder switch
        {
            EncoderNames.SmallCnn =>
                $" Its features come from small-cnn, the network notebook 02 trained on the synthetic scenes: it sees the photo shrunk to {size} pixels and answers with what it learnt about shapes, so neither the features nor the words know anything of people or photographs.",
            EncoderNames.ResNet18MlNet =>
                $" Its features come from resnet18-mlnet, a ResNet pretrained on ImageNet photographs, which sees the photo at {size} pixels: the features are made for photographs, but the caption model only learnt to turn them into words about shapes.",
            _ =>
                $" Its features come from {encoder}, pretrained on ImageNet photographs, which sees the photo at {size} pixels; the caption model only learnt to turn such features into the words of its training captions.",
        };
        return learnt + saw;
    }

    // The vocabulary's words of one family of FeatureMap.SyntheticWordSets, in the family's order.
    private static string Known(Vocabulary vocabulary, string family) =>
        string.Join(", ", FeatureFigures.Words(FeatureMap.SyntheticWordSets.Single(s => s.What == family).Words).Where(vocabulary.Contains));
}
