using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Captioning.Notebooks;
using Xunit;

namespace Captioning.Tests.Notebooks.Jupyter;

/// <summary>
/// `environment/jupyter-server`, what `environment/run jupyter` starts after set-up, as a user meets it: it prints
/// a 127.0.0.1 URL with a token, serves the .ipynb forms of notebooks/*.dib from jupyter/, refuses requests without
/// the token, starts the .NET kernel with its web server on 127.0.0.1 only, and on Ctrl-C exits and leaves no
/// kernel process or connection file behind.
/// </summary>
public sealed partial class JupyterLauncherTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task JupyterServer_ServesTheFormsWithAToken_AndCtrlCLeavesNoKernelBehind()
    {
        var root = RepoPaths.Root();
        JupyterTools.KernelData(); // fails with the set-up command when the kernel is not registered
        var port = JupyterServer.FreePort();
        var start = new ProcessStartInfo("/usr/bin/env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // --default-signal=INT: a shell without job control starts children with SIGINT ignored (see CliProcess).
        foreach (var arg in new[] { "--default-signal=INT", Path.Combine(root, "environment", "jupyter-server"), "--port", port.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        var log = new StringBuilder();
        using var server = JupyterTools.StartLogged(start, log);
        string Log() { lock (log) return log.ToString(); }
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            var url = await WaitFor(() => UrlLine().Match(Log()) is { Success: true } m ? m : null, server, Log, "the URL line");
            Assert.Equal(port.ToString(CultureInfo.InvariantCulture), url.Groups["port"].Value);
            var token = url.Groups["token"].Value;
            Uri Api(string path, bool withToken = true) => new($"http://127.0.0.1:{port}/api/{path}" + (withToken ? $"?token={token}" : ""));
            await WaitFor(async () => { try { using var r = await http.GetAsync(Api("status")); return r.IsSuccessStatusCode ? "up" : null; } catch (HttpRequestException) { return null; } },
                server, Log, "the server to answer");
            // A client without the token (and without the cookie the first request earned) gets nothing.
            using (var stranger = new HttpClient(new HttpClientHandler { UseCookies = false }))
            using (var anonymous = await stranger.GetAsync(Api("contents", withToken: false)))
                Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);

            // jupyter/ holds one form per notebooks/NN-*.dib, with the .dib's cells.
            foreach (var dib in WorkbookNotebooksFixture.NotebookFiles())
            {
                var form = Path.Combine(root, "jupyter", Path.GetFileNameWithoutExtension(dib) + ".ipynb");
                Assert.True(File.Exists(form), $"{form} was not written");
                Assert.Equal(DibParser.Load(dib).Cells.Select(c => (c.Kind, c.Source)), NotebookDocuments.Load(form).Cells.Select(c => (c.Kind, c.Source)));
            }

            using var created = await http.PostAsJsonAsync(Api("kernels"), new { name = ".net-csharp" });
            Assert.True(created.IsSuccessStatusCode, $"POST /api/kernels: {created.StatusCode}\n{Log()}");
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            var connection = Path.Combine(root, "environment", "jupyter", "runtime", $"kernel-{id}.json");
            // The kernel's own web server says where it listens: 127.0.0.1 only (--http-local-only in its kernel.json).
            var listening = await WaitFor(() => ListeningLine().Matches(Log()) is { Count: > 0 } m ? m : null, server, Log, "the kernel's web server to listen");
            Assert.All(listening, m => Assert.Equal("127.0.0.1", m.Groups["host"].Value));
            var kernels = ProcessesNaming(connection);
            Assert.NotEmpty(kernels);

            JupyterServer.Signal(server.Id, "INT"); // Ctrl-C
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await server.WaitForExitAsync(limit.Token);
            Assert.True(server.ExitCode == 0, $"exit code {server.ExitCode} after Ctrl-C:\n{Log()}");
            Assert.Contains("Shutting down 1 kernel", Log());
            Assert.False(File.Exists(connection), $"{connection} outlived the server");
            // Stopping is asynchronous for nothing here: the server waited for its kernel before exiting.
            Assert.Empty(ProcessesNaming(connection));
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
        }
    }

    private static async Task<T> WaitFor<T>(Func<T?> probe, Process server, Func<string> log, string what) where T : class =>
        await WaitFor(() => Task.FromResult(probe()), server, log, what);

    private static async Task<T> WaitFor<T>(Func<Task<T?>> probe, Process server, Func<string> log, string what) where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } found) return found;
            if (server.HasExited) Assert.Fail($"environment/jupyter-server exited ({server.ExitCode}) while waiting for {what}:\n{log()}");
            if (clock.Elapsed > TimeSpan.FromMinutes(3)) Assert.Fail($"waited 3 minutes for {what}:\n{log()}");
            await Task.Delay(200);
        }
    }

    /// <summary>Live processes whose command line names <paramref name="text"/> (a kernel's connection file).</summary>
    private static List<int> ProcessesNaming(string text)
    {
        var found = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(text, StringComparison.Ordinal)) found.Add(pid);
            }
            catch (IOException) { /* gone meanwhile */ }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:(?<port>\d+)/tree\?token=(?<token>[0-9a-f]{48})")]
    private static partial Regex UrlLine();

    [GeneratedRegex(@"Now listening on: https?://(?<host>[^:/\]]+|\[[^\]]+\]):\d+")]
    private static partial Regex ListeningLine();
}
