using System.Runtime.InteropServices;

namespace Captioning.Cli.Commands;

/// <summary>Maps exceptions to exit codes: 1 for user errors, 2 for internal ones, one line each.</summary>
internal static class CommandRunner
{
    internal const int Ok = 0;
    internal const int UserError = 1;
    internal const int InternalError = 2;

    internal static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        // Includes TorchRuntime's load failure, whose one line names the library, the loader's reason and the fix.
        catch (CaptioningException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return UserError;
        }
        // Files the user named: missing, unreadable or not writable. Verbs check their paths up front with a
        // clearer sentence (InputPaths); this is the net for what only shows up while the job runs.
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return UserError;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted; finished work is kept, rerun the same command to resume");
            return 130;
        }
        // TorchSharp raises libtorch's errors as ExternalException; their message goes on with libtorch's C++
        // backtrace ("Exception raised from ... frame #0 ..."), which only CAPTION_DEBUG=1 prints.
        catch (ExternalException e)
        {
            Console.Error.WriteLine($"internal error: libtorch: {FirstLine(e.Message)}");
            if (Environment.GetEnvironmentVariable("CAPTION_DEBUG") == "1") Console.Error.WriteLine(e);
            return InternalError;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"internal error: {e.GetType().Name}: {FirstLine(e.Message)}");
            if (Environment.GetEnvironmentVariable("CAPTION_DEBUG") == "1") Console.Error.WriteLine(e);
            return InternalError;
        }
    }

    internal static int Run(Action body) => Run(() =>
    {
        body();
        return Ok;
    });

    /// <summary>The first non-blank line of <paramref name="message"/>, trimmed; the whole of a one-line message.</summary>
    internal static string FirstLine(string message) =>
        message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
}
