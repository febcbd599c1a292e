using Frugal.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Rendering;

/// <summary>
/// JSON for machines: written raw to the console's stream, bypassing Spectre's line wrapping and markup.
/// </summary>
internal static class JsonOutput
{
    /// <summary>Whether JSON replaces the tables on standard output (<c>--json</c> without a path).</summary>
    public static bool OnConsole(FlagValue<string> option) => option.IsSet && string.IsNullOrEmpty(option.Value);

    /// <summary>The file <c>--json PATH</c> names, if any.</summary>
    public static string? PathOf(FlagValue<string> option) =>
        option.IsSet && !string.IsNullOrEmpty(option.Value) ? option.Value : null;

    /// <summary>
    /// Why the file <c>--json PATH</c> names cannot be written, or null: checked before a command works.
    /// </summary>
    public static string? PathProblem(FlagValue<string> option) =>
        PathOf(option) is { } path ? OutputPaths.FileProblem(path, createsFolder: false) : null;

    /// <summary>
    /// Sends <paramref name="json"/> where <c>--json</c> asked: to standard output, to a file (written atomically), or
    /// nowhere.
    /// </summary>
    public static void Emit(IAnsiConsole console, GlobalSettings settings, string json) =>
        Emit(console, settings.Json, json);

    /// <summary>Sends <paramref name="json"/> where the <c>--json [PATH]</c> <paramref name="option"/> asked.</summary>
    public static void Emit(IAnsiConsole console, FlagValue<string> option, string json)
    {
        if (OnConsole(option))
        {
            var writer = console.Profile.Out.Writer;
            writer.WriteLine(json);
            writer.Flush();
        }
        if (PathOf(option) is { } path)
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
}
