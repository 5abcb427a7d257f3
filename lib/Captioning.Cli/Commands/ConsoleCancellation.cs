namespace Captioning.Cli.Commands;

/// <summary>
/// Turns the first Ctrl-C into a cancellation request (the job stops at a safe point and keeps its
/// finished work); a second Ctrl-C ends the process at once.
/// </summary>
internal sealed class ConsoleCancellation : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private readonly string what;
    // The process's standard error as it was when created: a notebook cell that is running when Ctrl-C
    // arrives has redirected Console.Error into its own outputs, where this message does not belong.
    private readonly TextWriter error = Console.Error;

    internal ConsoleCancellation(string what)
    {
        this.what = what;
        Console.CancelKeyPress += OnCancel;
    }

    /// <summary>What a notebook run does on Ctrl-C: the kernel cancels the running cell, whose library calls stop at their next safe point.</summary>
    internal const string TheRunningCell = "the running cell at its next safe point (between batches or images); finished cells, epochs and stages are kept";

    internal CancellationToken Token => source.Token;

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (source.IsCancellationRequested) return;
        e.Cancel = true;
        // Cancel before saying so: whoever reads the line (a user, a test) may rely on the request being made.
        source.Cancel();
        error.WriteLine();
        error.WriteLine($"stopping {what} (Ctrl-C again to abort at once)...");
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        source.Dispose();
    }
}
