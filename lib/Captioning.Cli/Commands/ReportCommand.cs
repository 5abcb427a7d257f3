using System.CommandLine;
using Captioning.Notebooks;

namespace Captioning.Cli.Commands;

/// <summary>`caption report png FILE.html OUT.png`: a screenshot of a report or figure page with headless Chromium.</summary>
internal static class ReportCommand
{
    internal static Command Create()
    {
        var html = new Argument<string>("file") { Description = "The HTML report to render." };
        var png = new Argument<string>("out") { Description = "The PNG file to write." };
        var width = new Option<int>("--width") { Description = "Viewport width in pixels.", DefaultValueFactory = _ => 1200 };
        var height = new Option<int>("--height") { Description = "Viewport height in pixels (the screenshot's height).", DefaultValueFactory = _ => 1600 };
        var render = new Command("png", "Render an HTML report to PNG with headless Chromium (installed by environment/setup --report-deps).")
        {
            html, png, width, height,
        };
        render.SetAction(result => CommandRunner.Run(() =>
        {
            InputPaths.File(result.GetValue(html)!, "report", "an HTML file");
            InputPaths.OutputFile(result.GetValue(png)!, "OUT");
            ReportScreenshot.Render(result.GetValue(html)!, result.GetValue(png)!, result.GetValue(width), result.GetValue(height));
            Console.WriteLine($"wrote {result.GetValue(png)}");
        }));
        var command = new Command("report", "Work with HTML reports.");
        command.Subcommands.Add(render);
        return command;
    }
}
