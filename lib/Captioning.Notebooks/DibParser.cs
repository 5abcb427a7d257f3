using System.Text.Json;

namespace Captioning.Notebooks;

/// <summary>
/// Reads the Polyglot Notebooks .dib text format: an optional first `#!meta` section holding
/// JSON ({"kernelInfo":{"defaultKernelName":"csharp","items":[...]}}), then cells, each opened by
/// a line `#!KERNEL` naming a kernel or one of its aliases. A cell runs until the next such line;
/// blank lines around a cell are not part of it. A `#!` line that names no kernel (`#!import`,
/// `#!time`) is a magic command and stays in its cell, as Polyglot Notebooks does. Text before the
/// first marker belongs to the default kernel. BOM and CRLF/CR line ends are accepted.
/// </summary>
public static class DibParser
{
    private const string CSharp = "csharp";
    private const string Markdown = "markdown";

    // Kernel names and aliases as Polyglot Notebooks writes them; all but csharp and markdown are
    // recognised only to report them as unsupported instead of mistaking them for magic commands.
    private static readonly Dictionary<string, string> KnownKernels = new(StringComparer.Ordinal)
    {
        ["csharp"] = CSharp, ["c#"] = CSharp, ["C#"] = CSharp,
        ["markdown"] = Markdown, ["md"] = Markdown,
        ["fsharp"] = "fsharp", ["f#"] = "fsharp", ["F#"] = "fsharp",
        ["pwsh"] = "pwsh", ["powershell"] = "pwsh",
        ["javascript"] = "javascript", ["js"] = "javascript",
        ["html"] = "html", ["sql"] = "sql", ["kql"] = "kql", ["mermaid"] = "mermaid",
        ["value"] = "value", ["http"] = "http", ["python"] = "python", ["r"] = "r",
    };

    /// <summary>The workbook's numbered notebooks of <paramref name="folder"/> (NN-*.dib, e.g. 01-data-preparation.dib) in run order; empty when there are none.</summary>
    public static IReadOnlyList<string> NumberedFiles(string folder) =>
        Directory.GetFiles(folder, "*.dib").Where(f => IsNumbered(Path.GetFileName(f))).Order(StringComparer.Ordinal).ToList();

    private static bool IsNumbered(string name) => name.Length > 3 && char.IsAsciiDigit(name[0]) && char.IsAsciiDigit(name[1]) && name[2] == '-';

    /// <summary>Reads and parses a .dib file.</summary>
    public static DibNotebook Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new CaptioningException($"notebook '{path}' does not exist");
        if (!full.EndsWith(".dib", StringComparison.OrdinalIgnoreCase))
            throw new CaptioningException($"notebook '{path}' is not a .dib file; the runner reads the Polyglot Notebooks .dib format");
        return Parse(File.ReadAllText(full), full);
    }

    /// <summary>Parses .dib text; <paramref name="path"/> names the file in errors and anchors relative paths.</summary>
    public static DibNotebook Parse(string text, string path)
    {
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var kernels = new Dictionary<string, string>(KnownKernels, StringComparer.Ordinal);
        var defaultKernel = CSharp;
        var first = Array.FindIndex(lines, l => l.Trim().Length > 0);
        var start = 0;
        if (first >= 0 && lines[first].TrimEnd() == "#!meta")
        {
            var end = NextMarker(lines, first + 1);
            defaultKernel = ReadMeta(lines, first + 1, end, path, kernels);
            start = end;
        }

        var cells = new List<NotebookCell>();
        var kernel = defaultKernel;
        var cellStart = start;
        var markerLine = 0;
        for (var i = start; i <= lines.Length; i++)
        {
            var isEnd = i == lines.Length;
            string? marker = null;
            if (!isEnd)
            {
                var trimmed = lines[i].TrimEnd();
                if (trimmed == "#!meta")
                    throw new CaptioningException($"{path} line {i + 1}: '#!meta' may only open the file; move this section to the top or remove it");
                if (trimmed.StartsWith("#!", StringComparison.Ordinal) && kernels.TryGetValue(trimmed[2..], out var name)) marker = name;
            }
            if (!isEnd && marker is null) continue;
            AddCell(cells, lines, cellStart, i, kernel, markerLine, path);
            if (isEnd) break;
            kernel = marker!;
            cellStart = i + 1;
            markerLine = i + 1;
        }
        return new DibNotebook(path, defaultKernel, cells);
    }

    private static void AddCell(List<NotebookCell> cells, string[] lines, int from, int to, string kernel, int markerLine, string path)
    {
        while (from < to && lines[from].Trim().Length == 0) from++;
        while (to > from && lines[to - 1].Trim().Length == 0) to--;
        if (from >= to) return;
        var kind = kernel switch
        {
            CSharp => CellKind.CSharp,
            Markdown => CellKind.Markdown,
            _ => throw new CaptioningException(
                $"{path} line {(markerLine > 0 ? markerLine : from + 1)}: '#!{kernel}' cells are not supported; the runner executes C# ('#!csharp') and shows markdown ('#!markdown') cells only"),
        };
        cells.Add(new NotebookCell(cells.Count + 1, kind, string.Join('\n', lines[from..to]), from + 1));
    }

    // JSON never has a line starting with "#!", and the meta section may declare the very kernel
    // names that mark the next cell, so any "#!" line ends it.
    private static int NextMarker(string[] lines, int from)
    {
        for (var i = from; i < lines.Length; i++)
            if (lines[i].StartsWith("#!", StringComparison.Ordinal)) return i;
        return lines.Length;
    }

    // Returns the default kernel and adds the kernels the section declares (name and aliases).
    private static string ReadMeta(string[] lines, int from, int to, string path, Dictionary<string, string> kernels)
    {
        var json = string.Join('\n', lines[from..to]).Trim();
        var jsonLine = from + 1 + Array.FindIndex(lines[from..to], l => l.Trim().Length > 0);
        if (json.Length == 0) return CSharp;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new CaptioningException($"{path} line {jsonLine}: the '#!meta' section is not valid JSON ({e.Message}); expected {{\"kernelInfo\":{{\"defaultKernelName\":\"csharp\"}}}}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new CaptioningException($"{path} line {jsonLine}: the '#!meta' section must be a JSON object like {{\"kernelInfo\":{{\"defaultKernelName\":\"csharp\"}}}}");
            if (!root.TryGetProperty("kernelInfo", out var info)) return CSharp;
            if (info.ValueKind != JsonValueKind.Object)
                throw new CaptioningException($"{path} line {jsonLine}: '#!meta' kernelInfo must be an object");
            if (info.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
                foreach (var item in items.EnumerateArray()) AddDeclaredKernel(item, kernels);
            if (!info.TryGetProperty("defaultKernelName", out var name)) return CSharp;
            if (name.ValueKind != JsonValueKind.String)
                throw new CaptioningException($"{path} line {jsonLine}: '#!meta' defaultKernelName must be a string such as \"csharp\"");
            var kernel = name.GetString()!;
            return kernels.TryGetValue(kernel, out var canonical) ? canonical : kernel;
        }
    }

    private static void AddDeclaredKernel(JsonElement item, Dictionary<string, string> kernels)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String) return;
        var name = nameElement.GetString()!;
        var canonical = kernels.TryGetValue(name, out var known) ? known : name;
        kernels.TryAdd(name, canonical);
        if (item.TryGetProperty("aliases", out var aliases) && aliases.ValueKind == JsonValueKind.Array)
            foreach (var alias in aliases.EnumerateArray())
                if (alias.ValueKind == JsonValueKind.String) kernels.TryAdd(alias.GetString()!, canonical);
    }
}
