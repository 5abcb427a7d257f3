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
        catch (Exception e)
        {
            Console.Error.WriteLine($"internal error: {e.GetType().Name}: {e.Message}");
            if (Environment.GetEnvironmentVariable("CAPTION_DEBUG") == "1") Console.Error.WriteLine(e);
            return InternalError;
        }
    }

    internal static int Run(Action body) => Run(() =>
    {
        body();
        return Ok;
    });
}
