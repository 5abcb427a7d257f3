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
        var top = new Option<int>("--top") { Description = "Pixels of the page to skip from the top, to picture one part of a long report (the PNG keeps --height)." };
        var render = new Command("png", "Render an HTML report to PNG with headless Chromium (installed by environment/setup --report-deps).")
        {
            html, png, width, height, top,
        };
        render.SetAction(result => CommandRunner.Run(() =>
        {
            var (skip, output) = (result.GetValue(top), result.GetValue(png)!);
            if (skip < 0) throw new CaptioningException($"--top must be 0 or more pixels, got {skip}");
            InputPaths.File(result.GetValue(html)!, "report", "an HTML file");
            InputPaths.OutputFile(output, "OUT");
            if (skip == 0)
            {
                ReportScreenshot.Render(result.GetValue(html)!, output, result.GetValue(width), result.GetValue(height));
            }
            else
            {
                // Chromium screenshots the top of the page only: render the taller page, then cut its top off.
                var full = output + ".full.png";
                try
                {
                    ReportScreenshot.Render(result.GetValue(html)!, full, result.GetValue(width), result.GetValue(height) + skip);
                    var image = Captioning.Data.ImageCodec.Load(full);
                    var rowBytes = image.Width * image.Channels;
                    var rows = image.Height - skip;
                    var pixels = image.Pixels.AsSpan(skip * rowBytes, rows * rowBytes).ToArray();
                    Captioning.Data.AtomicFile.WriteAllBytes(output, Captioning.Data.ImageCodec.EncodePng(image with { Pixels = pixels, Height = rows }));
                }
                finally
                {
                    File.Delete(full);
                }
            }
            Console.WriteLine($"wrote {output}");
        }));
        var command = new Command("report", "Work with HTML reports.");
        command.Subcommands.Add(render);
        return command;
    }
}
