using System.CommandLine;

namespace Captioning.Cli.Commands;

/// <summary>Every verb of the CLI, in the order `caption --help` lists them (pipeline order). One file per verb.</summary>
internal static class CommandRegistry
{
    internal static IEnumerable<Command> All()
    {
        yield return DataSynthCommand.Create();
        yield return PrepareCommand.Create();
        yield return ExtractCommand.Create();
        yield return DescribeModelCommand.Create();
        yield return TrainCommand.Create();
        yield return EvaluateCommand.Create();
        yield return DescribeCommand.Create();
        yield return ScoreCommand.Create();
        yield return InfoCommand.Create();
        yield return DemoCommand.Create();
        yield return NotebookCommand.Create();
        yield return ReportCommand.Create();
        yield return WeightsCommand.Create();
        yield return BenchCommand.Create();
    }
}
