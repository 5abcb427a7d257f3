using Captioning.Data;

namespace Captioning.Tests.Cli;

/// <summary>
/// The bad inputs the CLI error tests hand to every verb: garbage bytes, folders where files belong,
/// a file where a folder belongs, plus the few valid small files a verb reads before the bad one.
/// </summary>
public sealed class CliErrorFixture : IDisposable
{
    /// <summary>Fixed bytes that are no image, JSON, UTF-8 text, feature store, safetensors or zip: 0x8B first, a NUL inside.</summary>
    internal static readonly byte[] Garbage = [0x8B, 0x1F, 0x00, 0xFF, 0xFE, 0x9C, 0x07, 0x42, 0xC3, 0x28, 0xA0, 0xA1, 0x00, 0x13, 0x37, 0xEE];

    public CliErrorFixture()
    {
        Root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"caption-cli-errors-{Environment.ProcessId}");
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        Directory.CreateDirectory(Root);
        File.WriteAllBytes(Path("garbage.bin"), Garbage);
        File.WriteAllText(Path("afile.txt"), "a file, not a folder\n");
        Directory.CreateDirectory(Path("adir"));
        Directory.CreateDirectory(Path("empty-data"));
        // The smallest valid dataset, for verbs that read it before the bad input under test.
        SyntheticDataset.Generate(Path("data"), images: 8, seed: 1, sizePx: 32, threads: 1);
        SyntheticDataset.Generate(Path("baddata"), images: 8, seed: 1, sizePx: 32, threads: 1);
        File.WriteAllBytes(Path("baddata/Flickr8k_text/Flickr8k.token.txt"), Garbage);
        Directory.CreateDirectory(Path("badrun"));
        File.WriteAllText(Path("badrun/config.json"), "{not json");
        File.WriteAllText(Path("refs.txt"), "a.jpg#0\ta dog runs\nb.jpg#0\ta cat sits\n");
        File.WriteAllText(Path("preds.txt"), "a.jpg\ta dog runs\nb.jpg\ta cat\n");
        File.WriteAllText(Path("page.html"), "<html><body>report</body></html>\n");
        Directory.CreateDirectory(Path("nbs"));
        File.WriteAllText(Path("nbs/01-a.dib"), "#!csharp\n// parameters\nvar epochs = 5;\n");
        Directory.CreateDirectory(Path("nbsbad"));
        File.WriteAllBytes(Path("nbsbad/01-x.dib"), Garbage);
        // A safetensors header announcing 8 bytes of data followed by only 1.
        var header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"u8.ToArray();
        File.WriteAllBytes(Path("trunc.safetensors"), [.. BitConverter.GetBytes((long)header.Length), .. header, 0]);
        File.WriteAllBytes(Path("photo.png"), ImageCodec.EncodePng(new RawImage(new byte[2 * 2 * 3], 2, 2)));
    }

    /// <summary>The fixture's folder, unique to this test process.</summary>
    public string Root { get; }

    /// <summary>A path inside <see cref="Root"/>.</summary>
    public string Path(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>Replaces the <c>{root}</c> placeholder of test data with <see cref="Root"/>.</summary>
    public string Resolve(string text) => text.Replace("{root}", Root, StringComparison.Ordinal);

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
