using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp;

namespace Captioning.Notebooks;

/// <summary>One declaration of a notebook's parameters cell, e.g. `var epochs = 5;`.</summary>
/// <param name="Name">The variable name.</param>
/// <param name="Type">int, double, bool or string (declared, or inferred from the literal for `var`).</param>
/// <param name="Literal">The C# literal as written in the notebook.</param>
/// <param name="LineInCell">0-based line within the cell.</param>
/// <param name="FileLine">1-based line in the .dib file (the line within the cell for an .ipynb).</param>
public sealed record NotebookParameter(string Name, string Type, string Literal, int LineInCell, int FileLine);

/// <summary>
/// The parameters convention: the first C# cell whose first line is the comment `// parameters`
/// holds plain declarations with literal values (`var epochs = 5;`, `string dataPath = "...";`),
/// plus blank and comment lines. `--set name=value` replaces a value, checked against the
/// declared type (int, double, bool, string).
/// </summary>
public static partial class NotebookParameters
{
    /// <summary>The first line that marks the parameters cell.</summary>
    public const string Marker = "// parameters";

    [GeneratedRegex("""^\s*(?<type>var|int|double|bool|string)\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?<literal>.+?)\s*;\s*(//.*)?$""")]
    private static partial Regex Declaration();

    [GeneratedRegex("""^-?[0-9]+$""")]
    private static partial Regex IntLiteral();

    [GeneratedRegex("""^-?([0-9]+\.[0-9]+([eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+|[0-9]+(\.[0-9]+)?[dD])$""")]
    private static partial Regex DoubleLiteral();

    [GeneratedRegex("""^(@"([^"]|"")*"|"([^"\\]|\\.)*")$""")]
    private static partial Regex StringLiteral();

    /// <summary>The parameters cell, or null when the notebook has none.</summary>
    public static NotebookCell? FindCell(DibNotebook notebook) =>
        notebook.Cells.FirstOrDefault(c => c.Kind == CellKind.CSharp && string.Equals(c.Lines[0].Trim(), Marker, StringComparison.OrdinalIgnoreCase));

    /// <summary>The declarations of the parameters cell (empty without one); a line that is not a plain declaration is an error naming it.</summary>
    public static IReadOnlyList<NotebookParameter> Read(DibNotebook notebook)
    {
        var cell = FindCell(notebook);
        if (cell is null) return [];
        var result = new List<NotebookParameter>();
        var lines = cell.Lines;
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal)) continue;
            var where = notebook.Where(cell, i);
            var match = Declaration().Match(lines[i]);
            var type = match.Success ? TypeOfLiteral(match.Groups["literal"].Value) : null;
            if (type is null)
                throw new CaptioningException($"{where}: the parameters cell holds only plain declarations such as 'var epochs = 5;' " +
                                              $"(int, double, bool or string literals), not '{line}'; move other code to the next cell");
            var declared = match.Groups["type"].Value;
            var literal = match.Groups["literal"].Value;
            var name = match.Groups["name"].Value;
            if (declared != "var" && declared != type && !(declared == "double" && type == "int"))
                throw new CaptioningException($"{where}: '{name}' is declared {declared} but its value {literal} is a {type} literal");
            if (result.Any(p => p.Name == name)) throw new CaptioningException($"{where}: parameter '{name}' is declared twice");
            result.Add(new NotebookParameter(name, declared == "var" ? type : declared, literal, i, cell.Line > 0 ? cell.Line + i : i + 1));
        }
        return result;
    }

    /// <summary>
    /// Returns the notebook with the parameters cell rewritten for <paramref name="values"/> (name → raw text).
    /// An unknown name is an error unless <paramref name="ignoreUnknown"/> (run-all passes one set to several notebooks).
    /// </summary>
    public static DibNotebook Apply(DibNotebook notebook, IReadOnlyDictionary<string, string> values, bool ignoreUnknown = false)
    {
        if (values.Count == 0) return notebook;
        var declared = Read(notebook);
        var cell = FindCell(notebook);
        var lines = cell?.Lines ?? [];
        foreach (var (name, value) in values)
        {
            var parameter = declared.FirstOrDefault(p => p.Name == name);
            if (parameter is null)
            {
                if (ignoreUnknown) continue;
                throw new CaptioningException(cell is null
                    ? $"--set {name}: notebook {notebook.Path} has no parameters cell (a C# cell starting with '{Marker}')"
                    : $"--set {name}: no parameter '{name}' in {notebook.Path}; its parameters are: {string.Join(", ", declared.Select(p => p.Name))}");
            }
            var literal = ToLiteral(parameter, value, notebook.Where(cell!, parameter.LineInCell));
            var indent = lines[parameter.LineInCell][..(lines[parameter.LineInCell].Length - lines[parameter.LineInCell].TrimStart().Length)];
            var type = Declaration().Match(lines[parameter.LineInCell]).Groups["type"].Value;
            // The old value stays visible in the executed notebook, so a report says what was overridden.
            lines[parameter.LineInCell] = $"{indent}{type} {name} = {literal}; // --set (notebook value: {parameter.Literal})";
        }
        var cells = notebook.Cells.Select(c => c == cell ? c with { Source = string.Join('\n', lines) } : c).ToList();
        return notebook with { Cells = cells };
    }

    /// <summary>Parses NAME=VALUE pairs from the command line; a malformed pair or a repeated name is an error.</summary>
    public static IReadOnlyDictionary<string, string> ParseAssignments(IEnumerable<string> assignments)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var assignment in assignments)
        {
            var eq = assignment.IndexOf('=');
            var name = eq < 0 ? "" : assignment[..eq].Trim();
            if (eq <= 0 || !Regex.IsMatch(name, "^[A-Za-z_][A-Za-z0-9_]*$"))
                throw new CaptioningException($"--set '{assignment}' is malformed; expected NAME=VALUE, e.g. --set epochs=1");
            if (!result.TryAdd(name, assignment[(eq + 1)..])) throw new CaptioningException($"--set {name} is given twice; give each parameter once");
        }
        return result;
    }

    /// <summary>Converts raw command-line text into a C# literal of the parameter's type, or throws naming the parameter.</summary>
    public static string ToLiteral(NotebookParameter parameter, string value, string declaredAt)
    {
        var problem = $"--set {parameter.Name}={value}: '{value}' is not {Article(parameter.Type)} {parameter.Type} " +
                      $"('{parameter.Name}' is declared with value {parameter.Literal} at {declaredAt})";
        switch (parameter.Type)
        {
            case "int":
                return int.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)
                    ? i.ToString(CultureInfo.InvariantCulture) : throw new CaptioningException(problem);
            case "double":
                if (!double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
                    throw new CaptioningException(problem);
                var text = d.ToString("R", CultureInfo.InvariantCulture);
                // `var lr = 1` would make lr an int; keep the literal a double.
                return text.Contains('.') || text.Contains('E') ? text : text + ".0";
            case "bool":
                return value.Trim().ToLowerInvariant() switch
                {
                    "true" => "true",
                    "false" => "false",
                    _ => throw new CaptioningException(problem),
                };
            default:
                return SymbolDisplay.FormatLiteral(value, quote: true);
        }
    }

    private static string? TypeOfLiteral(string literal) =>
        IntLiteral().IsMatch(literal) ? "int"
        : DoubleLiteral().IsMatch(literal) ? "double"
        : literal is "true" or "false" ? "bool"
        : StringLiteral().IsMatch(literal) ? "string"
        : null;

    private static string Article(string type) => type == "int" ? "an" : "a";
}
