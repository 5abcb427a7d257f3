using System.Text;

namespace Captioning.Tests.Data;

/// <summary>A temporary folder deleted after the test, with helpers that write small Flickr8k layouts.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "captioning-data-" + Guid.NewGuid().ToString("N"));

    public string File(string relative, string text, bool bom = false)
    {
        var path = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, new UTF8Encoding(bom).GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray());
        return path;
    }

    public string Bytes(string relative, byte[] bytes)
    {
        var path = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A Flickr8k layout: images a..h (empty placeholder files), 2 captions each; a-f train, g dev, h test.</summary>
    public string Flickr8k(string? tokens = null, string? train = null)
    {
        var names = "abcdefgh".Select(c => $"{c}.jpg").ToArray();
        foreach (var name in names) Bytes($"Flickr8k_Dataset/{name}", [0xFF]);
        tokens ??= string.Concat(names.Select(n => $"{n}#0\tA dog runs on the grass .\n{n}#1\tThe {n[0]}-dog jumps 2 times\n"));
        File("Flickr8k_text/Flickr8k.token.txt", tokens);
        File("Flickr8k_text/Flickr_8k.trainImages.txt", train ?? string.Join("\n", names[..6]) + "\n");
        File("Flickr8k_text/Flickr_8k.devImages.txt", "g.jpg\n");
        File("Flickr8k_text/Flickr_8k.testImages.txt", "h.jpg\n");
        return Path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
