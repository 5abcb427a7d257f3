using System.Reflection;

namespace Captioning.Workbook;

/// <summary>
/// The cancellation token of the notebook cell that is running, so that a long workbook step called from a
/// cell (training, extraction, evaluation) stops at its next safe point when the cell is cancelled: Ctrl-C in
/// `caption notebook run` and `caption demo`, the interrupt button in Jupyter or Polyglot Notebooks.
/// </summary>
/// <remarks>
/// A host that runs cells and owns a cancellation of its own (`caption notebook run`, `caption demo`: Ctrl-C)
/// hands it over with <see cref="UseHostToken"/>; it is kept in <see cref="AppContext"/>, which every copy of
/// this library loaded into the process sees (a cell's <c>#r</c> may load another copy than the host's).
/// Otherwise every .NET Interactive kernel (the in-process one of `caption notebook`, dotnet-interactive under Jupyter
/// and VS Code, dotnet-repl) runs a cell inside a <c>Microsoft.DotNet.Interactive.KernelInvocationContext</c>
/// whose <c>Current</c> (an AsyncLocal, so it flows into the cell's code) carries the token the kernel cancels.
/// The library reads it by reflection from the already-loaded kernel assembly instead of referencing the
/// Interactive packages: Captioning.dll stays a TorchSharp library that a console program or a test uses
/// without a kernel, where <see cref="Current"/> is simply <see cref="CancellationToken.None"/>.
/// </remarks>
public static class NotebookCancellation
{
    private const string HostTokenKey = "Captioning.Workbook.NotebookCancellation.HostToken";
    private const string KernelAssembly = "Microsoft.DotNet.Interactive";
    private const string ContextType = "Microsoft.DotNet.Interactive.KernelInvocationContext";
    private static (PropertyInfo Current, PropertyInfo Token)? properties;

    /// <summary>The host's token while one is in use, else the running cell's inside a .NET Interactive kernel; <see cref="CancellationToken.None"/> elsewhere.</summary>
    public static CancellationToken Current
    {
        get
        {
            if (AppContext.GetData(HostTokenKey) is CancellationToken host) return host;
            var found = properties ??= Find();
            if (found is not { } p) return CancellationToken.None;
            var context = p.Current.GetValue(null);
            return context is null ? CancellationToken.None : (CancellationToken)p.Token.GetValue(context)!;
        }
    }

    /// <summary><paramref name="given"/> when a caller passed a token of its own, otherwise the running cell's (<see cref="Current"/>).</summary>
    public static CancellationToken Or(CancellationToken given) => given.CanBeCanceled ? given : Current;

    /// <summary>Makes <paramref name="token"/> the one library calls from cells see until the result is disposed (a host running cells: Ctrl-C).</summary>
    public static IDisposable UseHostToken(CancellationToken token)
    {
        AppContext.SetData(HostTokenKey, token);
        return new HostTokenScope();
    }

    private sealed class HostTokenScope : IDisposable
    {
        public void Dispose() => AppContext.SetData(HostTokenKey, null);
    }

    // Only looks among loaded assemblies: outside a kernel nothing is loaded, and a later call looks again.
    private static (PropertyInfo, PropertyInfo)? Find()
    {
        var assembly = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == KernelAssembly);
        var type = assembly?.GetType(ContextType);
        var current = type?.GetProperty("Current", BindingFlags.Public | BindingFlags.Static);
        var token = type?.GetProperty("CancellationToken", BindingFlags.Public | BindingFlags.Instance);
        return current is null || token is null || token.PropertyType != typeof(CancellationToken) ? null : (current, token);
    }
}
