using System.CommandLine;

namespace Captioning.Cli.Commands;

/// <summary>Every verb of the CLI, in the order `caption --help` lists them. One file per verb.</summary>
internal static class CommandRegistry
{
    internal static IEnumerable<Command> All()
    {
        yield return InfoCommand.Create();
        yield return DemoCommand.Create();
        yield return ScoreCommand.Create();
        yield return WeightsCommand.Create();
        yield return BenchCommand.Create();
    }
}
