using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace Captioning.Tests.Notebooks.Jupyter;

/// <summary>
/// Debian's chromium, headless, driven over the Chrome DevTools Protocol (one page, one websocket). Every host
/// name but 127.0.0.1 resolves to nothing, so a page that reaches for a CDN fails at once instead of hanging:
/// what the tests see is what an offline machine sees. Console messages and page exceptions are kept for
/// failure messages.
/// </summary>
internal sealed partial class HeadlessChromium : IAsyncDisposable
{
    private readonly Process browser;
    private readonly DirectoryInfo profile;
    private readonly ClientWebSocket socket;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> pending = new();
    private readonly CancellationTokenSource closing = new();
    private readonly StringBuilder log = new();
    private readonly Task receiving;
    private int nextId;

    private HeadlessChromium(Process browser, DirectoryInfo profile, ClientWebSocket socket)
    {
        this.browser = browser;
        this.profile = profile;
        this.socket = socket;
        receiving = Task.Run(ReceiveLoop);
    }

    /// <summary>Console lines and page exceptions so far, one per line.</summary>
    public string Log
    {
        get { lock (log) return log.ToString(); }
    }

    /// <summary>Starts chromium with a fresh profile and attaches to its one page.</summary>
    public static async Task<HeadlessChromium> StartAsync(int width = 1280, int height = 1600)
    {
        var executable = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        Assert.True(executable != null, "chromium is not installed: run environment/setup --test-deps (Debian package 'chromium')");
        var profile = Directory.CreateTempSubdirectory("jupyter-chromium-");
        var start = new ProcessStartInfo(executable!) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-extensions", "--remote-debugging-port=0",
                     "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", $"--window-size={width},{height}",
                     $"--user-data-dir={profile.FullName}", "about:blank",
                 })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        // Chromium prints "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID" once it listens.
        var stderr = new StringBuilder();
        string? endpoint = null;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (endpoint == null)
        {
            var line = await process.StandardError.ReadLineAsync(limit.Token);
            if (line == null) break;
            stderr.AppendLine(line);
            var match = DevToolsLine().Match(line);
            if (match.Success) endpoint = match.Groups[1].Value;
        }
        if (endpoint == null)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            profile.Delete(recursive: true);
            Assert.Fail($"chromium did not start its DevTools endpoint:\n{stderr}");
        }
        _ = process.StandardError.ReadToEndAsync();
        var http = new Uri(endpoint!.Replace("ws://", "http://", StringComparison.Ordinal));
        using var client = new HttpClient();
        var targets = await client.GetFromJsonAsync<JsonElement>(new Uri(http, "/json/list"));
        var page = targets.EnumerateArray().First(t => t.GetProperty("type").GetString() == "page");
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(page.GetProperty("webSocketDebuggerUrl").GetString()!), limit.Token);
        var chromium = new HeadlessChromium(process, profile, socket);
        await chromium.SendAsync("Runtime.enable");
        await chromium.SendAsync("Page.enable");
        return chromium;
    }

    /// <summary>Opens <paramref name="url"/> and waits until the document has loaded.</summary>
    public async Task NavigateAsync(Uri url)
    {
        var result = await SendAsync("Page.navigate", new JsonObject { ["url"] = url.AbsoluteUri });
        if (result.TryGetProperty("errorText", out var error)) Assert.Fail($"chromium could not open {url}: {error.GetString()}");
        await WaitForAsync("document.readyState === 'complete'", TimeSpan.FromSeconds(60), "the page to load");
    }

    /// <summary>Evaluates a JavaScript expression in the page (awaiting a promise) and returns its JSON value.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true,
        });
        if (result.TryGetProperty("exceptionDetails", out var details))
            throw new InvalidOperationException($"JavaScript failed: {details}\nexpression: {expression}");
        var value = result.GetProperty("result");
        return value.TryGetProperty("value", out var v) ? v.Clone() : default;
    }

    /// <summary>Polls a JavaScript expression until it is true; fails with <paramref name="what"/> and the page log after <paramref name="timeout"/>.</summary>
    public async Task WaitForAsync(string expression, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await EvaluateAsync(expression);
            if (value.ValueKind == JsonValueKind.True) return;
            if (clock.Elapsed > timeout) Assert.Fail($"waited {timeout.TotalSeconds:F0} s for {what}; page log:\n{Log}");
            await Task.Delay(250);
        }
    }

    private async Task<JsonElement> SendAsync(string method, JsonObject? parameters = null)
    {
        var id = Interlocked.Increment(ref nextId);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[id] = reply;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, closing.Token);
        var answer = await reply.Task.WaitAsync(TimeSpan.FromSeconds(120));
        if (answer.TryGetProperty("error", out var error)) throw new InvalidOperationException($"{method} failed: {error}");
        return answer.GetProperty("result");
    }

    private async Task ReceiveLoop()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (!closing.IsCancellationRequested)
            {
                var part = await socket.ReceiveAsync(buffer, closing.Token);
                if (part.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, part.Count);
                if (!part.EndOfMessage) continue;
                using var json = JsonDocument.Parse(message.ToArray());
                message.SetLength(0);
                var root = json.RootElement;
                if (root.TryGetProperty("id", out var id) && pending.TryRemove(id.GetInt32(), out var reply)) reply.TrySetResult(root.Clone());
                else if (root.TryGetProperty("method", out var method)) Record(method.GetString()!, root.GetProperty("params"));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // closing, or the browser went away: pending calls fail below
        }
        foreach (var reply in pending.Values) reply.TrySetException(new InvalidOperationException($"the connection to chromium closed; page log:\n{Log}"));
    }

    private void Record(string method, JsonElement parameters)
    {
        string? line = method switch
        {
            "Runtime.consoleAPICalled" => $"console.{parameters.GetProperty("type").GetString()}: " +
                                          string.Join(' ', parameters.GetProperty("args").EnumerateArray().Select(a =>
                                              a.TryGetProperty("value", out var v) ? v.ToString() : a.TryGetProperty("description", out var d) ? d.GetString() : "?")),
            "Runtime.exceptionThrown" => "exception: " + ExceptionText(parameters.GetProperty("exceptionDetails")),
            _ => null,
        };
        if (line != null) lock (log) log.AppendLine(line.Length > 2000 ? line[..2000] + " ..." : line);
    }

    // "ReferenceError: Plotly is not defined\n    at ..." when the page gave the exception, else CDP's own text.
    private static string ExceptionText(JsonElement details) =>
        details.TryGetProperty("exception", out var exception) && exception.TryGetProperty("description", out var description)
            ? description.GetString() ?? details.ToString()
            : details.GetProperty("text").GetString() ?? details.ToString();

    public async ValueTask DisposeAsync()
    {
        await closing.CancelAsync();
        try { await receiving; } catch (OperationCanceledException) { }
        socket.Dispose();
        if (!browser.HasExited) browser.Kill(entireProcessTree: true);
        await browser.WaitForExitAsync();
        browser.Dispose();
        try { profile.Delete(recursive: true); } catch (IOException) { /* a lock file chromium left behind; the temp folder is harmless */ }
        closing.Dispose();
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex DevToolsLine();
}
