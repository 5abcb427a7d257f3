using System.CommandLine;
using Captioning.Cli.Commands;

namespace Captioning.Cli;

/// <summary>The `caption` command line: thin verbs over the Captioning library.</summary>
public static class Program
{
    /// <summary>Runs the command line; exit code 0 ok, 1 user error, 2 internal error.</summary>
    public static int Main(string[] args) => Run(args);

    /// <summary>Parses and runs one command line; parse errors become one line on stderr and exit code 1.</summary>
    public static int Run(string[] args) => ParseErrors.Invoke(BuildRoot().Parse(args));

    /// <summary>The root command with every verb; tests parse against it directly.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("caption: image captioning workbook (merge vs inject LSTM captioners on TorchSharp)");
        foreach (var command in CommandRegistry.All()) root.Subcommands.Add(command);
        return root;
    }
}
