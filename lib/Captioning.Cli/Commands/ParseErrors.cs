using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace Captioning.Cli.Commands;

/// <summary>
/// Reports command-line parse errors as one line plus a `--help` hint instead of System.CommandLine's
/// error list followed by the whole help text, which buries the reason in a screenful of options.
/// </summary>
internal static partial class ParseErrors
{
    internal static int Invoke(ParseResult parse)
    {
        if (parse.Action is not ParseErrorAction || parse.Errors.Count == 0) return parse.Invoke();
        Console.Error.WriteLine(Line(parse));
        return CommandRunner.UserError;
    }

    /// <summary>`error: reason[; reason]; see caption VERB --help`, with any line breaks in a reason folded.</summary>
    internal static string Line(ParseResult parse)
    {
        var reasons = parse.Errors.Select(e => Friendly(e.Message.ReplaceLineEndings(" ").Trim().TrimEnd('.')) + MissingArguments(e) + Suggestion(e, parse.CommandResult.Command)).Distinct(StringComparer.Ordinal);
        return $"error: {string.Join("; ", reasons)}; see {CommandPath(parse.CommandResult)} --help";
    }

    // System.CommandLine says "Required argument missing for command: 'run'" without naming the argument.
    private static string MissingArguments(ParseError error)
    {
        if (error.SymbolResult is ArgumentResult { Tokens.Count: 0 } argument) return $" ({argument.Argument.Name})";
        if (error.SymbolResult is not CommandResult command) return "";
        var missing = command.Command.Arguments
            .Where(a => a.Arity.MinimumNumberOfValues > 0 && (command.GetResult(a) is not ArgumentResult r || r.Tokens.Count == 0))
            .Select(a => a.Name).ToList();
        return missing.Count == 0 ? "" : $" ({string.Join(", ", missing)})";
    }

    // "as expected type 'System.Nullable`1[System.Int32]'" means nothing to a user; say "as an integer".
    private static string Friendly(string message) => EnumChoices().Replace(ExpectedType().Replace(message, m => m.Groups[1].Value switch
    {
        "Int32" or "Int64" => "as an integer",
        "Double" or "Single" => "as a number",
        "Boolean" => "as true or false",
        _ => m.Value,
    }), m => $"; expected one of: {string.Join(", ", m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))}");

    [System.Text.RegularExpressions.GeneratedRegex(@" as expected type '[\w.`\[\]]+'\. Did you mean one of the following\? (.+)$")]
    private static partial System.Text.RegularExpressions.Regex EnumChoices();

    [System.Text.RegularExpressions.GeneratedRegex(@"as expected type '(?:System\.Nullable`1\[)?System\.(\w+)\]?'")]
    private static partial System.Text.RegularExpressions.Regex ExpectedType();

    // A mistyped option ("--iteration") gets the closest option of the verb, at most two edits away.
    private static string Suggestion(ParseError error, Command command)
    {
        var match = Unrecognized().Match(error.Message);
        if (!match.Success) return "";
        var token = match.Groups[1].Value;
        var best = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal))
            .Select(n => (Name: n, Distance: EditDistance(token, n))).Where(c => c.Distance <= 2)
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault();
        return best.Name == null ? "" : $" (did you mean {best.Name}?)";
    }

    private static int EditDistance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^Unrecognized command or argument '(--[^']+)'")]
    private static partial System.Text.RegularExpressions.Regex Unrecognized();

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r != null; r = r.Parent)
            if (r is CommandResult c) names.Add(c.Command is RootCommand ? "caption" : c.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }
}
