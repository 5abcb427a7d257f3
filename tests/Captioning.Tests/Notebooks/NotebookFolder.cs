using Captioning.Notebooks;

namespace Captioning.Tests.Notebooks;

/// <summary>A temporary folder of small .dib files shared by a test class, deleted afterwards.</summary>
public sealed class NotebookFolder : IDisposable
{
    /// <summary>The folder path.</summary>
    public string Root { get; } = Directory.CreateTempSubdirectory("caption-notebooks-").FullName;

    /// <summary>One runner for the class (each run starts its own kernel session).</summary>
    public NotebookRunner Runner { get; } = new();

    /// <summary>Writes a notebook made of C# cells (and markdown cells starting with "md:") and parses it.</summary>
    public DibNotebook Write(string name, params string[] cells)
    {
        var text = "#!meta\n\n{\"kernelInfo\":{\"defaultKernelName\":\"csharp\",\"items\":[{\"aliases\":[],\"name\":\"csharp\"}]}}\n\n" +
                   string.Concat(cells.Select(c => c.StartsWith("md:", StringComparison.Ordinal) ? $"#!markdown\n\n{c[3..]}\n\n" : $"#!csharp\n\n{c}\n\n"));
        var path = Path.Combine(Root, name);
        File.WriteAllText(path, text);
        return DibParser.Load(path);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
