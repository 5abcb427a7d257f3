namespace Captioning.Cli.Commands;

/// <summary>
/// Turns the first Ctrl-C into a cancellation request (the job stops at a safe point and keeps its
/// finished work); a second Ctrl-C ends the process at once.
/// </summary>
internal sealed class ConsoleCancellation : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private readonly string what;

    internal ConsoleCancellation(string what)
    {
        this.what = what;
        Console.CancelKeyPress += OnCancel;
    }

    /// <summary>What a notebook run does on Ctrl-C: a running cell cannot be stopped from outside, so the run ends after it.</summary>
    internal const string AfterTheRunningCell = "after the running cell ends; finished cells, epochs and stages are kept";

    internal CancellationToken Token => source.Token;

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (source.IsCancellationRequested) return;
        e.Cancel = true;
        Console.Error.WriteLine();
        Console.Error.WriteLine($"stopping {what} (Ctrl-C again to abort at once)...");
        source.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        source.Dispose();
    }
}
