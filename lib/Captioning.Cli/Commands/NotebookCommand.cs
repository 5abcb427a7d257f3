using System.CommandLine;
using Captioning.Notebooks;

namespace Captioning.Cli.Commands;

/// <summary>
/// `caption notebook run FILE.dib` and `caption notebook run-all`: execute .dib notebooks headless and write .ipynb + HTML reports;
/// `caption notebook convert FILE.dib... --out DIR`: write their unexecuted .ipynb forms (for Jupyter).
/// </summary>
internal static class NotebookCommand
{
    internal static Command Create()
    {
        var command = new Command("notebook", "Run .dib notebooks headless and write executed .ipynb files and HTML reports.");
        command.Subcommands.Add(CreateRun());
        command.Subcommands.Add(CreateRunAll());
        command.Subcommands.Add(CreateConvert());
        return command;
    }

    private const string DibExpected = "a .dib notebook (UTF-8 text)";
    private const string NotebookExpected = "a .dib or .ipynb notebook (UTF-8 text)";

    private static Option<string[]> SetOption() => new("--set")
    {
        Description = "Replace a value of the notebook's parameters cell, e.g. --set epochs=1 (repeatable).",
        AllowMultipleArgumentsPerToken = false,
        DefaultValueFactory = _ => [],
    };

    private static Option<string> OutOption() => new("--out")
    {
        Description = "Folder for the executed notebooks and reports.",
        DefaultValueFactory = _ => "reports",
    };

    private static Command CreateRun()
    {
        var file = new Argument<string>("file") { Description = "The .dib (or .ipynb) notebook to run." };
        var set = SetOption();
        var output = OutOption();
        var command = new Command("run", "Run one notebook; cells run in the notebook's folder. Exit code 1 when a cell fails (the partial report is still written).")
        {
            file, set, output,
        };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            var parameters = NotebookParameters.ParseAssignments(result.GetValue(set) ?? []);
            var outDir = InputPaths.OutputFolder(result.GetValue(output)!, "--out");
            var notebook = NotebookDocuments.Load(InputPaths.TextFile(result.GetValue(file)!, "notebook", NotebookExpected));
            PlotlyAsset.Locate(); // the report needs it: fail before the cells run, not after
            var run = RunOne(notebook, parameters, ignoreUnknown: false, outDir);
            if (!run.Succeeded) throw new CaptioningException(run.FailureSummary());
        }));
        return command;
    }

    private static Command CreateRunAll()
    {
        var dir = new Option<string>("--dir") { Description = "Folder holding the NN-*.dib notebooks.", DefaultValueFactory = _ => "notebooks" };
        var set = SetOption();
        var output = OutOption();
        var command = new Command("run-all", "Run every NN-*.dib notebook of a folder in order and write an index.html linking the reports.")
        {
            dir, set, output,
        };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            var folder = InputPaths.Folder(result.GetValue(dir)!, "--dir", "NN-*.dib notebooks");
            InputPaths.OutputFolder(result.GetValue(output)!, "--out");
            var files = DibParser.NumberedFiles(folder);
            if (files.Count == 0) throw new CaptioningException($"--dir '{folder}' holds no NN-*.dib notebooks (e.g. 01-data-preparation.dib)");
            var parameters = NotebookParameters.ParseAssignments(result.GetValue(set) ?? []);
            var notebooks = files.Select(f => DibParser.Load(InputPaths.TextFile(f, "notebook", DibExpected))).ToList();
            // One --set applies to every notebook that declares the name; a name none declares is a typo.
            RejectUndeclared(notebooks, parameters, $"no notebook in '{folder}' declares it");
            PlotlyAsset.Locate(); // the reports need it: fail before any cell runs, not after
            var runs = new List<NotebookRun>();
            foreach (var notebook in notebooks)
            {
                var run = RunOne(notebook, parameters, ignoreUnknown: true, result.GetValue(output)!);
                runs.Add(run);
                if (!run.Succeeded)
                {
                    Console.WriteLine($"index: {NotebookReport.WriteIndex(runs, result.GetValue(output)!)}");
                    throw new CaptioningException(run.FailureSummary() + $"\nlater notebooks were not run ({notebooks.Count - runs.Count} left)");
                }
            }
            Console.WriteLine($"index: {NotebookReport.WriteIndex(runs, result.GetValue(output)!)}");
        }));
        return command;
    }

    private static Command CreateConvert()
    {
        var files = new Argument<string[]>("files") { Description = "The .dib notebooks to convert.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Folder for the .ipynb files (NAME.dib becomes NAME.ipynb).", Required = true };
        var set = SetOption();
        set.Description = "Write this value into the parameters cell of every notebook that declares the name, e.g. --set epochs=1 (repeatable).";
        var command = new Command("convert", "Write unexecuted Jupyter .ipynb forms of .dib notebooks (nbformat 4.5, the .NET (C#) kernel); the same input always gives the same bytes.")
        {
            files, output, set,
        };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            var parameters = NotebookParameters.ParseAssignments(result.GetValue(set) ?? []);
            // Every notebook is read before any is written: a bad third file leaves no half-converted folder.
            var notebooks = (result.GetValue(files) ?? []).Select(f => DibParser.Load(InputPaths.TextFile(f, "notebook", DibExpected))).ToList();
            RejectUndeclared(notebooks, parameters, "no notebook given declares it");
            // As in run-all, a name applies to every notebook that declares it; the values are type-checked here.
            notebooks = notebooks.Select(n => NotebookParameters.Apply(n, parameters, ignoreUnknown: true)).ToList();
            var outDir = InputPaths.OutputFolder(result.GetValue(output)!, "--out");
            Directory.CreateDirectory(outDir);
            foreach (var notebook in notebooks)
            {
                var path = Path.Combine(outDir, notebook.Name + ".ipynb");
                NotebookDocuments.WriteIpynb(notebook, path);
                Console.WriteLine($"{notebook.Path} -> {path}");
            }
        }));
        return command;
    }

    /// <summary>A --set name that none of <paramref name="notebooks"/> declares is a typo: an error listing the declared names.</summary>
    private static void RejectUndeclared(IReadOnlyList<DibNotebook> notebooks, IReadOnlyDictionary<string, string> parameters, string why)
    {
        var declared = notebooks.SelectMany(n => NotebookParameters.Read(n).Select(p => p.Name)).ToHashSet();
        var unknown = parameters.Keys.Where(k => !declared.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new CaptioningException($"--set {string.Join(", ", unknown)}: {why}; declared parameters: {string.Join(", ", declared.Order())}");
    }

    private static NotebookRun RunOne(DibNotebook notebook, IReadOnlyDictionary<string, string> parameters, bool ignoreUnknown, string output)
    {
        Console.WriteLine($"{notebook.Name}: {notebook.Cells.Count(c => c.Kind == CellKind.CSharp)} C# cells (working directory {notebook.Folder})");
        var runner = new NotebookRunner { Log = Console.Out };
        using var cancel = new ConsoleCancellation(ConsoleCancellation.TheRunningCell);
        var run = runner.RunAsync(notebook, parameters, ignoreUnknown, cancel.Token).GetAwaiter().GetResult();
        var (ipynb, html) = NotebookReport.Write(run, output);
        Console.WriteLine($"  {(run.Succeeded ? "done" : "stopped")} in {run.Duration.TotalSeconds:F1} s; wrote {ipynb} and {html}");
        // Ctrl-C: the partial report is written; the exit says "interrupted" (130), not which cell it happened to stop in.
        cancel.Token.ThrowIfCancellationRequested();
        return run;
    }
}
