using System.Text;

namespace Captioning.Notebooks;

/// <summary>A piece of a C# cell the runner executes in order.</summary>
internal abstract record CellStep;

/// <summary>C# code, padded with blank lines so compiler line numbers equal cell line numbers.</summary>
/// <param name="Code">The script text.</param>
/// <param name="NotebookPath">The .dib file the cell belongs to (for error messages).</param>
/// <param name="CellFileLine">1-based file line of the cell's first line.</param>
internal sealed record CodeStep(string Code, string NotebookPath, int CellFileLine) : CellStep;

/// <summary>An assembly to reference from here on (`#r "path.dll"`, resolved and checked).</summary>
internal sealed record ReferenceStep(string AssemblyPath) : CellStep;

/// <summary>Another notebook whose C# cells run here (`#!import path.dib`).</summary>
internal sealed record ImportStep(string NotebookPath, string Where) : CellStep;

/// <summary>
/// Splits a C# cell at its directives: `#r "file.dll"` (relative to the notebook's folder),
/// `#!import other.dib`, and `#!time` (accepted: the runner times every cell anyway). Any other
/// `#!` magic command, `#r "nuget:..."` and `#i` are errors naming the line, because running
/// past them would give different results than Polyglot Notebooks.
/// </summary>
internal static class CellDirectives
{
    /// <summary>The steps of a cell of <paramref name="notebook"/>, in source order.</summary>
    public static List<CellStep> Split(NotebookCell cell, DibNotebook notebook)
    {
        var steps = new List<CellStep>();
        var lines = cell.Lines;
        var code = new StringBuilder();
        var hasCode = false;
        void Flush()
        {
            if (hasCode) steps.Add(new CodeStep(code.ToString(), notebook.Path, cell.Line));
            code.Clear();
            hasCode = false;
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            var where = $"{notebook.Path} line {cell.Line + i}";
            if (line.StartsWith("#r ", StringComparison.Ordinal) || line == "#r")
            {
                Flush();
                steps.Add(new ReferenceStep(ResolveReference(line, notebook.Folder, where)));
            }
            else if (line.StartsWith("#i ", StringComparison.Ordinal))
            {
                throw new CaptioningException($"{where}: '#i' (NuGet package sources) is not supported by the notebook runner; reference built assemblies with #r \"path.dll\"");
            }
            else if (line.StartsWith("#!", StringComparison.Ordinal))
            {
                var word = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries)[0];
                switch (word)
                {
                    case "#!import":
                        Flush();
                        steps.Add(new ImportStep(ResolveImport(line, notebook.Folder, where), where));
                        break;
                    case "#!time":
                        break;
                    default:
                        throw new CaptioningException($"{where}: magic command '{word}' is not supported by the notebook runner; it supports #r \"file.dll\", #!import file.dib and #!time");
                }
            }
            else
            {
                if (!hasCode)
                {
                    // Pad so that the compiler's line i+1 is the cell's line i+1.
                    for (var pad = 0; pad < i; pad++) code.Append('\n');
                    hasCode = true;
                }
                code.Append(lines[i]).Append('\n');
                continue;
            }
            if (hasCode) code.Append('\n');
        }
        Flush();
        return steps;
    }

    private static string ResolveReference(string line, string folder, string where)
    {
        var argument = line.Length > 2 ? line[2..].Trim() : "";
        if (argument.Length < 2 || argument[0] != '"' || argument[^1] != '"')
            throw new CaptioningException($"{where}: expected #r \"path/to/Assembly.dll\" with the path in double quotes, got '{line}'");
        var target = argument[1..^1];
        if (target.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase))
            throw new CaptioningException($"{where}: '#r \"{target}\"' asks for a NuGet package, which the notebook runner does not restore; reference the built library with #r \"path.dll\"");
        var full = Path.GetFullPath(Path.Combine(folder, target));
        if (!File.Exists(full))
            throw new CaptioningException($"{where}: #r target '{full}' does not exist; build it with environment/setup");
        return full;
    }

    private static string ResolveImport(string line, string folder, string where)
    {
        var argument = line["#!import".Length..].Trim().Trim('"');
        if (argument.Length == 0) throw new CaptioningException($"{where}: expected #!import path/to/notebook.dib");
        var full = Path.GetFullPath(Path.Combine(folder, argument));
        if (!File.Exists(full)) throw new CaptioningException($"{where}: #!import target '{full}' does not exist");
        return full;
    }
}
