using System.CommandLine;

namespace Captioning.Cli.Commands;

/// <summary>`caption demo`: the whole workbook on the synthetic dataset.</summary>
internal static class DemoCommand
{
    internal static Command Create()
    {
        var fresh = new Option<bool>("--fresh") { Description = "Start over instead of resuming finished stages." };
        var command = new Command("demo", "Run the whole workbook on the embedded synthetic dataset.") { fresh };
        command.SetAction(_ => CommandRunner.Run(() =>
        {
            Console.WriteLine("The demo will: generate the synthetic dataset, extract small-cnn features, train merge and");
            Console.WriteLine("inject captioners, evaluate them against baselines and write the report. Those stages land");
            Console.WriteLine("with the data, features, models, evaluation and notebook issues; nothing to run yet.");
        }));
        return command;
    }
}
