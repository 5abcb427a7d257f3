using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace Captioning;

/// <summary>
/// Lets the library run inside a .NET Interactive kernel (dotnet-interactive, dotnet repl) whose own copies of
/// shared assemblies are older than the ones this library was built against. The kernels ship FSharp.Core
/// 10.0.0.0; Plotly.NET asks for 10.1.0.0, and the default load context refuses the older copy it already
/// holds. The handler answers such a request with the assembly of that name the process already has (or can
/// load without a version), so <c>#r "…/Captioning.dll"</c> stays enough in a notebook.
/// </summary>
internal static class KernelAssemblies
{
    // Only the assemblies a kernel shares with the library by name; anything else keeps the runtime's own answer.
    private static readonly HashSet<string> Shared = new(StringComparer.Ordinal)
    {
        "FSharp.Core", "Microsoft.DotNet.Interactive.Formatting", "Microsoft.AspNetCore.Html.Abstractions",
    };

    [ThreadStatic] private static bool resolving;

#pragma warning disable CA2255 // A library module initializer is the point: it runs when a kernel first touches this assembly.
    [ModuleInitializer]
    internal static void Install() => AssemblyLoadContext.Default.Resolving += Resolve;
#pragma warning restore CA2255

    /// <summary>The loaded (or version-less loadable) assembly named like <paramref name="name"/>, for the shared names; else null.</summary>
    internal static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
    {
        if (name.Name is null || !Shared.Contains(name.Name) || resolving) return null;
        var loaded = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name == name.Name)
            .MaxBy(a => a.GetName().Version);
        if (loaded is not null) return loaded;
        resolving = true;
        try
        {
            return context.LoadFromAssemblyName(new AssemblyName(name.Name));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        finally
        {
            resolving = false;
        }
    }
}
