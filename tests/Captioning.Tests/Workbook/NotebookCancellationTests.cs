using System.Reflection;
using Captioning.Workbook;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive;
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
    public void Current_InsideAKernelInvocation_IsCancelledWhenTheKernelCancelsIt()
    {
        // A kernel runs each cell inside a KernelInvocationContext and cancels that context on an interrupt
        // (Jupyter's, Polyglot's stop button). Establishing one directly tests the library's reflection path without a
        // kernel's process-wide console capture, which a cancelled cell left behind for the tests after it.
        using var context = KernelInvocationContext.GetOrCreateAmbientContext(new SubmitCode("// a cell"));
        var token = NotebookCancellation.Current;
        Assert.True(token.CanBeCanceled);
        Assert.False(token.IsCancellationRequested);

        // What the kernel's Cancel command does to the running invocation (internal to .NET Interactive, hence reflection).
        var tryCancel = typeof(KernelInvocationContext).GetMethod("TryCancel", BindingFlags.NonPublic | BindingFlags.Instance);
        Assert.NotNull(tryCancel);
        tryCancel.Invoke(context, tryCancel.GetParameters().Select(p => p.HasDefaultValue ? p.DefaultValue : null).ToArray());

        Assert.True(token.IsCancellationRequested);
        Assert.True(NotebookCancellation.Or(default).IsCancellationRequested);
    }
}
