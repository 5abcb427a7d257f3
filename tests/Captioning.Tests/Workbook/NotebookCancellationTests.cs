using Captioning.Workbook;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Xunit;

namespace Captioning.Tests.Workbook;

/// <summary>Library calls made from a cell see the cell's cancellation: the host's (Ctrl-C in `caption`) or the kernel's own (Jupyter's interrupt).</summary>
public class NotebookCancellationTests
{
    [Fact]
    public void Current_IsNoneOutsideAKernelAndTheHostsTokenWhileOneIsInUse()
    {
        Assert.Equal(CancellationToken.None, NotebookCancellation.Current);
        using var source = new CancellationTokenSource();
        using (NotebookCancellation.UseHostToken(source.Token))
        {
            Assert.Equal(source.Token, NotebookCancellation.Current);
            Assert.Equal(source.Token, NotebookCancellation.Or(default));
            using var own = new CancellationTokenSource();
            Assert.Equal(own.Token, NotebookCancellation.Or(own.Token));
        }
        Assert.Equal(CancellationToken.None, NotebookCancellation.Current);
    }

    [Fact]
    public async Task Current_InsideACell_IsCancelledWhenTheKernelCancelsTheCell()
    {
        using var kernel = new CSharpKernel();
        var library = typeof(NotebookCancellation).Assembly.Location;
        Assert.Null((await kernel.SendAsync(new SubmitCode($"#r \"{library}\""))).Events.OfType<Microsoft.DotNet.Interactive.Events.CommandFailed>().FirstOrDefault());
        var key = "NotebookCancellationTests." + Guid.NewGuid().ToString("N");
        // The cell waits (at most a minute) for its token, as a training loop checks it between batches, and reports what it saw.
        var cell = $$"""
            var token = Captioning.Workbook.NotebookCancellation.Current;
            AppContext.SetData("{{key}}", "started");
            var seen = token.WaitHandle.WaitOne(TimeSpan.FromMinutes(1));
            AppContext.SetData("{{key}}", seen ? "cancelled" : "timed out");
            """;
        using var cancel = new CancellationTokenSource();
        var running = kernel.SendAsync(new SubmitCode(cell), cancel.Token);
        await Until(() => AppContext.GetData(key) is "started" or "timed out");
        cancel.Cancel();
        // The kernel returns at once (a cancelled task); the cell's code goes on until it looks at its token.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        await Until(() => AppContext.GetData(key) is "cancelled" or "timed out");
        Assert.Equal("cancelled", AppContext.GetData(key));
        // The abandoned code still holds the kernel's process-wide console capture until it returns; a later test that
        // captures the console itself (CliRunner) must not find it swapped back under its feet.
        await Until(() => Console.Out.GetType().Name != "MultiplexingTextWriter");
        Assert.NotEqual("MultiplexingTextWriter", Console.Out.GetType().Name);
    }

    private static async Task Until(Func<bool> condition)
    {
        for (var waited = 0; !condition() && waited < 60_000; waited += 20) await Task.Delay(20);
    }
}
