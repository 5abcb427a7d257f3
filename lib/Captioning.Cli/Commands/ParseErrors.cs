using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace Captioning.Cli.Commands;

/// <summary>
/// Reports command-line parse errors as one line plus a `--help` hint instead of System.CommandLine's
/// error list followed by the whole help text, which buries the reason in a screenful of options.
/// </summary>
internal static class ParseErrors
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
        var reasons = parse.Errors.Select(e => e.Message.ReplaceLineEndings(" ").Trim().TrimEnd('.')).Distinct(StringComparer.Ordinal);
        return $"error: {string.Join("; ", reasons)}; see {CommandPath(parse.CommandResult)} --help";
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r != null; r = r.Parent)
            if (r is CommandResult c) names.Add(c.Command is RootCommand ? "caption" : c.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }
}
