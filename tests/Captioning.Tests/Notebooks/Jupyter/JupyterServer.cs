using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Captioning.Tests.Notebooks.Jupyter;

/// <summary>
/// Debian's Jupyter Notebook server on 127.0.0.1 with a free port and a random token, serving one folder, with
/// Jupyter's config, data and runtime folders in a test folder and the project's registered .NET kernels
/// (environment/jupyter/data) on its path. Disposing shuts its kernels down and stops it; whatever is left
/// (the kernels run in their own sessions) is killed with the process tree.
/// </summary>
internal sealed class JupyterServer : IAsyncDisposable
{
    private readonly Process server;
    private readonly StringBuilder log;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(60) };

    private JupyterServer(Process server, StringBuilder log, int port, string token)
    {
        this.server = server;
        this.log = log;
        Port = port;
        Token = token;
    }

    public int Port { get; }

    public string Token { get; }

    /// <summary>The server's output so far (its kernels' output included).</summary>
    public string Log
    {
        get { lock (log) return log.ToString(); }
    }

    /// <summary>A page or API path of this server, with the token.</summary>
    public Uri Url(string path) => new($"http://127.0.0.1:{Port}/{path.TrimStart('/')}?token={Token}");

    public static async Task<JupyterServer> StartAsync(string notebookDir, string jupyterHome)
    {
        var port = FreePort();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var start = JupyterTools.Start(jupyterHome, "notebook", "--no-browser", "--ip=127.0.0.1", $"--port={port}", "--port-retries=0",
            $"--notebook-dir={notebookDir}", "--NotebookApp.open_browser=False", "--allow-root");
        start.Environment["JUPYTER_TOKEN"] = token; // not on the command line, where `ps` would show it
        var log = new StringBuilder();
        var process = JupyterTools.StartLogged(start, log);
        var jupyter = new JupyterServer(process, log, port, token);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
                Assert.Fail($"jupyter notebook exited with {process.ExitCode} before it served (is Debian's jupyter-notebook installed? environment/setup --test-deps):\n{jupyter.Log}");
            try
            {
                using var status = await jupyter.http.GetAsync(jupyter.Url("api/status"));
                if (status.IsSuccessStatusCode) return jupyter;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(90))
            {
                await jupyter.DisposeAsync();
                Assert.Fail($"jupyter notebook did not answer on port {port} within 90 s:\n{jupyter.Log}");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>The ids of the kernels the server runs.</summary>
    public async Task<IReadOnlyList<string>> KernelIdsAsync()
    {
        var kernels = await http.GetFromJsonAsync<JsonElement>(Url("api/kernels"));
        return kernels.EnumerateArray().Select(k => k.GetProperty("id").GetString()!).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (!server.HasExited)
        {
            try
            {
                // Shut the kernels down as the user's "Shutdown" does, then stop the server as Ctrl-C does.
                foreach (var id in await KernelIdsAsync())
                    using (await http.DeleteAsync(Url($"api/kernels/{id}"))) { }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                lock (log) log.AppendLine($"[test] could not shut the kernels down through the API: {e.Message}");
            }
            Signal(server.Id, "TERM");
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await server.WaitForExitAsync(limit.Token); }
            catch (OperationCanceledException) { server.Kill(entireProcessTree: true); }
        }
        server.Kill(entireProcessTree: true); // no-op when all is gone; otherwise nothing may outlive the test
        await server.WaitForExitAsync();
        server.Dispose();
        http.Dispose();
    }

    internal static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
