using Spectre.Console;

namespace Frugal.Cli.Rendering;

/// <summary>JSON for machines: written raw to the console's stream, bypassing Spectre's line wrapping and markup.</summary>
internal static class JsonOutput
{
    /// <summary>Sends <paramref name="json"/> where <c>--json</c> asked: to standard output, to a file (written atomically), or nowhere.</summary>
    public static void Emit(IAnsiConsole console, Commands.GlobalSettings settings, string json)
    {
        if (settings.JsonOnConsole) Write(console, json);
        if (settings.JsonPath is { } path)
        {
            try
            {
                Core.IO.AtomicFile.WriteAllText(path, json + "\n");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"--json: cannot write '{path}': {e.Message}");
            }
        }
    }

    public static void Write(IAnsiConsole console, string json)
    {
        var writer = console.Profile.Out.Writer;
        writer.WriteLine(json);
        writer.Flush();
    }
}
