using System.Diagnostics;
using System.Globalization;
using Captioning.Workbook;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace Captioning.Notebooks;

/// <summary>
/// Runs a notebook's C# cells in order in the .NET Interactive C# kernel, hosted in this process: the
/// kernel Polyglot Notebooks, Jupyter's .net-csharp and dotnet-repl run, so a notebook that passes here
/// passes there. Cells run with the notebook's folder as the working directory. The first failing cell
/// stops the run; the result still holds every output produced until then, so the partial notebook can
/// be written. Cancelling the token cancels the running cell: library calls made from the cell see it
/// through <see cref="Captioning.Workbook.NotebookCancellation"/>, as they see the kernel's own cancellation
/// under Jupyter or Polyglot Notebooks, and stop at their next safe point; the runner waits for the cell to
/// end there, so the work it finished is written, and runs no further cell.
/// </summary>
public sealed class NotebookRunner
{
    /// <summary>Where per-cell timings are printed, or null for silence.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Where cells' console output is also written as it happens (e.g. the terminal during a long training cell), or null to only keep it in the outputs.</summary>
    public TextWriter? Echo { get; init; }

    /// <summary>
    /// Runs the notebook with <paramref name="parameters"/> (name → raw value) applied to its
    /// parameters cell, in a new kernel session. Bad parameters throw before any cell runs; a failing
    /// cell does not throw but ends the run, see <see cref="NotebookRun.FailedCell"/>. When
    /// <paramref name="cancellationToken"/> is cancelled, the running cell is cancelled and the run
    /// ends with it marked failed.
    /// </summary>
    public async Task<NotebookRun> RunAsync(DibNotebook notebook, IReadOnlyDictionary<string, string>? parameters = null,
        bool ignoreUnknownParameters = false, CancellationToken cancellationToken = default)
    {
        parameters ??= new Dictionary<string, string>();
        // A process whose natives cannot load fails here with TorchRuntime's one line, not in the first cell that touches torch.
        TorchRuntime.EnsureLoaded();
        var applied = NotebookParameters.Apply(notebook, parameters, ignoreUnknownParameters);
        var declared = NotebookParameters.Read(notebook).Select(p => p.Name).ToHashSet();
        var used = parameters.Where(p => declared.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value);
        var results = applied.Cells.Select(c => new CellResult(c)).ToList();
        var started = DateTimeOffset.Now;
        var clock = Stopwatch.StartNew();
        var previousDirectory = Environment.CurrentDirectory;
        using var kernel = CreateKernel();
        using var host = NotebookCancellation.UseHostToken(cancellationToken);
        var router = new CellEventRouter();
        using var listening = kernel.KernelEvents.Subscribe(router);
        try
        {
            // The kernel resolves a cell's relative #r paths against the working directory, as dotnet-repl run from notebooks/ does.
            Environment.CurrentDirectory = applied.Folder;
            var count = 0;
            foreach (var result in results.Where(r => r.Cell.Kind == CellKind.CSharp))
            {
                if (cancellationToken.IsCancellationRequested) break;
                result.ExecutionCount = ++count;
                var ok = await RunCellAsync(kernel, router, applied, result, Echo);
                Log?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  cell {result.Cell.Number,3}  {(ok ? "ok    " : "FAILED")} {result.Duration.TotalSeconds,7:F2} s  {Preview(result.Cell)}"));
                if (!ok) break;
            }
        }
        finally
        {
            Environment.CurrentDirectory = previousDirectory;
        }
        return new NotebookRun(applied, results, used, started, clock.Elapsed);
    }

    /// <summary>
    /// A kernel session as dotnet-interactive starts one for C#: a composite kernel holding the C# kernel with its
    /// helpers (display, ...) and value sharing, and HTML as the preferred output of any value but a string.
    /// </summary>
    private static CompositeKernel CreateKernel()
    {
        var csharp = new CSharpKernel().UseKernelHelpers().UseValueSharing();
        var kernel = new CompositeKernel { csharp };
        kernel.DefaultKernelName = csharp.Name;
        Formatter.DefaultMimeType = HtmlFormatter.MimeType;
        Formatter.SetPreferredMimeTypesFor(typeof(string), PlainTextFormatter.MimeType);
        return kernel;
    }

    private static async Task<bool> RunCellAsync(CompositeKernel kernel, CellEventRouter router, DibNotebook notebook, CellResult result, TextWriter? echo)
    {
        var clock = Stopwatch.StartNew();
        var command = new SubmitCode(result.Cell.Source, "csharp");
        router.Add(command, new CellOutputCollector(result.Outputs, echo));
        try
        {
            // Not given the token: the kernel would abandon the running code and return at once; the cell is left to stop itself.
            var outcome = await kernel.SendAsync(command);
            var failure = outcome.Events.OfType<CommandFailed>().FirstOrDefault();
            // A cell that ended normally is done even when Ctrl-C came while it ran (it had no safe point left to stop at).
            result.Status = failure is null ? CellStatus.Succeeded : CellStatus.Failed;
            if (failure is not null) result.Error = Describe(notebook, result.Cell, failure);
            if (result.Status == CellStatus.Failed) result.Outputs.Add(CellOutput.Text(OutputKind.Error, result.Error!));
        }
        finally
        {
            result.Duration = clock.Elapsed;
        }
        return result.Status == CellStatus.Succeeded;
    }

    private const string Cancelled = "the cell was cancelled (Ctrl-C); the work it finished is kept";

    // A compile error arrives as a message listing each diagnostic as (line,column); a thrown exception as the exception.
    private static string Describe(DibNotebook notebook, NotebookCell cell, CommandFailed failure) => failure.Exception switch
    {
        null or CodeSubmissionCompilationErrorException => CompileErrors(notebook, cell, failure.Message),
        OperationCanceledException => Cancelled,
        CaptioningException c => c.Message,
        var e => $"{e.GetType().FullName}: {e.Message}" + (e.InnerException is null ? "" : $"\n  caused by {e.InnerException.GetType().Name}: {e.InnerException.Message}"),
    };

    private static string CompileErrors(DibNotebook notebook, NotebookCell cell, string message)
    {
        // "(3,5): error CS0103: ..." names the cell line; the .dib line is what an editor jumps to.
        if (cell.Line <= 0) return message;
        var lines = message.Split('\n').Select(line =>
        {
            var match = System.Text.RegularExpressions.Regex.Match(line, @"^\((\d+),\d+\): (.*)$");
            if (!match.Success) return line;
            var cellLine = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            return string.Create(CultureInfo.InvariantCulture, $"{notebook.Path} line {cell.Line + cellLine - 1} (cell line {cellLine}): {match.Groups[2].Value.Trim()}");
        });
        var text = string.Join('\n', lines);
        return text.Contains(": error CS", StringComparison.Ordinal) ? "compilation failed:\n" + text : text;
    }

    private static string Preview(NotebookCell cell)
    {
        var first = cell.Lines.FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";
        return first.Length > 60 ? first[..57] + "..." : first;
    }
}
