using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace Captioning.Notebooks;

/// <summary>
/// Runs a notebook's C# cells in order with Roslyn scripting, each cell continuing the previous
/// cell's state, like one Polyglot Notebooks kernel session. Cells run with the notebook's folder
/// as the working directory. The first failing cell stops the run; the result still holds every
/// output produced until then, so the partial notebook can be written.
/// </summary>
public sealed class NotebookRunner
{
    // The C# kernel of Polyglot Notebooks opens these namespaces; the same set keeps notebooks portable.
    private static readonly string[] DefaultImports = ["System", "System.Collections.Generic", "System.Linq", "System.Text", "System.Threading.Tasks"];
    private static readonly Lazy<ScriptOptions> BaseOptions = new(CreateBaseOptions);

    /// <summary>Where per-cell timings are printed, or null for silence.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Where cells' console output is also written as it happens (e.g. the terminal during a long training cell), or null to only keep it in the outputs.</summary>
    public TextWriter? Echo { get; init; }

    /// <summary>
    /// Runs the notebook with <paramref name="parameters"/> (name → raw value) applied to its
    /// parameters cell. Bad parameters throw before any cell runs; a failing cell does not throw
    /// but ends the run, see <see cref="NotebookRun.FailedCell"/>.
    /// </summary>
    public async Task<NotebookRun> RunAsync(DibNotebook notebook, IReadOnlyDictionary<string, string>? parameters = null,
        bool ignoreUnknownParameters = false, CancellationToken cancellationToken = default)
    {
        parameters ??= new Dictionary<string, string>();
        // A kernel whose natives cannot load fails here with TorchRuntime's one line, not in the first cell that touches torch.
        TorchRuntime.EnsureLoaded();
        var applied = NotebookParameters.Apply(notebook, parameters, ignoreUnknownParameters);
        var declared = NotebookParameters.Read(notebook).Select(p => p.Name).ToHashSet();
        var used = parameters.Where(p => declared.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value);
        var results = applied.Cells.Select(c => new CellResult(c)).ToList();
        var started = DateTimeOffset.Now;
        var clock = Stopwatch.StartNew();
        var previousDirectory = Environment.CurrentDirectory;
        var session = new Session(cancellationToken);
        try
        {
            Environment.CurrentDirectory = applied.Folder;
            var count = 0;
            foreach (var result in results.Where(r => r.Cell.Kind == CellKind.CSharp))
            {
                result.ExecutionCount = ++count;
                var ok = await RunCellAsync(session, applied, result, Echo);
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

    private static async Task<bool> RunCellAsync(Session session, DibNotebook notebook, CellResult result, TextWriter? echo)
    {
        var clock = Stopwatch.StartNew();
        using var capture = new OutputCapture(echo) { Target = result.Outputs };
        session.Capture = capture;
        try
        {
            await session.RunStepsAsync(CellDirectives.Split(result.Cell, notebook), [notebook.Path]);
            result.Status = CellStatus.Succeeded;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            result.Status = CellStatus.Failed;
            result.Error = Describe(e);
            capture.AddText(OutputKind.Error, e is CellCompilationException or CaptioningException ? result.Error : e.ToString());
        }
        finally
        {
            session.Capture = null;
            result.Duration = clock.Elapsed;
        }
        return result.Status == CellStatus.Succeeded;
    }

    private static string Describe(Exception e) => e switch
    {
        CellCompilationException c => c.Message,
        CaptioningException c => c.Message,
        _ => $"{e.GetType().FullName}: {e.Message}" + (e.InnerException is null ? "" : $"\n  caused by {e.InnerException.GetType().Name}: {e.InnerException.Message}"),
    };

    private static string Preview(NotebookCell cell)
    {
        var first = cell.Lines.FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";
        return first.Length > 60 ? first[..57] + "..." : first;
    }

    private static ScriptOptions CreateBaseOptions()
    {
        // Reference the whole shared framework, as Polyglot Notebooks does, so any BCL type is at hand. TorchSharp
        // comes too: the workbook's API speaks torch.Tensor and nn.Module, and a cell's `using TorchSharp;` needs it
        // without a #r of its own (Polyglot's #r "nuget:TorchSharp" would fetch a second copy of the natives).
        var runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory();
        var framework = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => p.StartsWith(runtimeDirectory, StringComparison.Ordinal) && p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase));
        return ScriptOptions.Default
            .WithReferences(framework.Append(typeof(NotebookGlobals).Assembly.Location).Append(typeof(TorchSharp.torch).Assembly.Location))
            .WithImports(DefaultImports)
            .WithLanguageVersion(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest);
    }

    /// <summary>The state one notebook run carries from cell to cell.</summary>
    private sealed class Session
    {
        private readonly CancellationToken cancellationToken;
        // Roslyn keeps the first submission's globals for the whole chain, so display() must
        // look up the running cell's capture at call time.
        private readonly NotebookGlobals globals;
        private ScriptState<object>? state;
        private ScriptOptions options = BaseOptions.Value;

        public Session(CancellationToken cancellationToken)
        {
            this.cancellationToken = cancellationToken;
            globals = new NotebookGlobals(value => Capture?.Add(OutputKind.DisplayData, value));
        }

        public OutputCapture? Capture { get; set; }

        public async Task RunStepsAsync(IEnumerable<CellStep> steps, IReadOnlyList<string> importChain)
        {
            foreach (var step in steps)
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (step)
                {
                    case ReferenceStep reference:
                        options = options.AddReferences(reference.AssemblyPath);
                        break;
                    case ImportStep import:
                        await ImportAsync(import, importChain);
                        break;
                    case CodeStep code:
                        await RunCodeAsync(code);
                        break;
                }
            }
        }

        private async Task ImportAsync(ImportStep import, IReadOnlyList<string> importChain)
        {
            if (importChain.Contains(import.NotebookPath, StringComparer.Ordinal))
                throw new CaptioningException($"{import.Where}: #!import cycle: {string.Join(" -> ", importChain.Append(import.NotebookPath).Select(Path.GetFileName))}");
            var imported = DibParser.Load(import.NotebookPath);
            var chain = importChain.Append(import.NotebookPath).ToList();
            foreach (var cell in imported.Cells.Where(c => c.Kind == CellKind.CSharp))
                await RunStepsAsync(CellDirectives.Split(cell, imported), chain);
        }

        private async Task RunCodeAsync(CodeStep step)
        {
            try
            {
                state = state is null
                    ? await CSharpScript.RunAsync(step.Code, options, globals, typeof(NotebookGlobals), cancellationToken)
                    : await state.ContinueWithAsync(step.Code, options, cancellationToken);
            }
            catch (CompilationErrorException e)
            {
                throw new CellCompilationException(step, e);
            }
            if (state.ReturnValue is not null) Capture?.Add(OutputKind.ExecuteResult, state.ReturnValue);
        }
    }
}

/// <summary>A cell that did not compile; the message lists each error with its notebook line.</summary>
public sealed class CellCompilationException : Exception
{
    internal CellCompilationException(CodeStep step, CompilationErrorException inner)
        : base(Format(step, inner), inner)
    {
    }

    private static string Format(CodeStep step, CompilationErrorException inner)
    {
        var lines = inner.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d =>
        {
            var cellLine = d.Location.GetLineSpan().StartLinePosition.Line + 1;
            return string.Create(CultureInfo.InvariantCulture,
                $"{step.NotebookPath} line {step.CellFileLine + cellLine - 1} (cell line {cellLine}): error {d.Id}: {d.GetMessage(CultureInfo.InvariantCulture)}");
        });
        return "compilation failed:\n" + string.Join('\n', lines);
    }
}
