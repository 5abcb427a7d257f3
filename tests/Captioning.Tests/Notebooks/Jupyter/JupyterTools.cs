using System.Diagnostics;
using System.Text;
using Xunit;

namespace Captioning.Tests.Notebooks.Jupyter;

/// <summary>
/// Starts Debian's Jupyter (through its own /usr/bin/python3, not the first python3 on PATH) as
/// environment/run jupyter does: config, data and runtime folders under one test folder, the project's registered
/// .NET kernels (environment/jupyter/data, written by environment/setup --test-deps) on JUPYTER_PATH.
/// </summary>
internal static class JupyterTools
{
    /// <summary>The project's Jupyter data folder holding the .net-csharp kernel spec.</summary>
    internal static string KernelData()
    {
        var data = Path.Combine(RepoPaths.Root(), "environment", "jupyter", "data");
        var spec = Path.Combine(data, "kernels", ".net-csharp", "kernel.json");
        Assert.True(File.Exists(spec), $"the .NET kernel is not registered ({spec} is missing): run environment/setup --test-deps");
        return data;
    }

    /// <summary>`/usr/bin/python3 -m MODULE ARGS` with Jupyter's folders under <paramref name="jupyterHome"/>.</summary>
    internal static ProcessStartInfo Start(string jupyterHome, string module, params string[] args)
    {
        Assert.True(File.Exists("/usr/bin/jupyter-notebook"), "Jupyter Notebook is not installed: run environment/setup --test-deps (Debian's jupyter-notebook, jupyter-client, jupyter-nbconvert)");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-m");
        start.ArgumentList.Add(module);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, folder) in new[] { ("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"), ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython") })
        {
            start.Environment[name] = Path.Combine(jupyterHome, folder);
            Directory.CreateDirectory(start.Environment[name]!);
        }
        start.Environment["JUPYTER_PATH"] = KernelData();
        start.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"; // debugpy's "frozen modules" warning on every kernel client start
        return start;
    }

    /// <summary>Starts <paramref name="start"/> with its stdout and stderr lines appended to <paramref name="log"/> (locked) as they come.</summary>
    internal static Process StartLogged(ProcessStartInfo start, StringBuilder log)
    {
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
