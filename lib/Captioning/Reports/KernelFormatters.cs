using System.Runtime.CompilerServices;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;

namespace Captioning.Reports;

/// <summary>
/// Tells .NET Interactive's <see cref="Formatter"/> (the kernel's own, in Polyglot Notebooks, Jupyter and
/// dotnet repl) how to show the foreign types the library hands out: a <see cref="DataFrame"/> as an HTML
/// table (so the frame a user filters or sorts in the next cell shows the same way) and a Plotly.NET
/// <see cref="GenericChart"/> drawn with the local plotly.js instead of Plotly.NET's CDN reference. Our own
/// types carry their formatters by attribute (PolyglotFormatting.cs). Registered once, by the first frame or
/// chart the library builds; a process that never builds one never loads the Formatting assembly.
/// </summary>
public static class KernelFormatters
{
    private static readonly object Gate = new();
    private static bool registered;

    /// <summary>Registers the formatters once per process; a kernel without the Formatting assembly is left alone.</summary>
    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (registered) return;
            registered = true;
            try
            {
                Register();
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or TypeLoadException or MissingMethodException)
            {
                // No Formatting this library can use (not in a kernel, or another build of it): values keep their ToString.
            }
        }
    }

    // Separate, so that a missing Formatting assembly fails when this method is compiled, inside the catch above.
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Register()
    {
        Formatter.Register<DataFrame>((frame, writer) => writer.Write(FrameHtml.ToHtml(frame)), HtmlFormatter.MimeType);
        Formatter.Register<DataFrame>((frame, writer) => writer.Write(frame.ToString()), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(DataFrame), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
        Formatter.Register<GenericChart>((chart, writer) => writer.Write(PlotlyPage.ForKernel(Figure.ChartHtml(chart, HeightOf(chart)))), HtmlFormatter.MimeType);
    }

    private static int HeightOf(GenericChart chart) =>
        GenericChart.tryGetLayoutSize(chart).Item2 is { } height && height.Value > 0 ? height.Value : 420;
}
