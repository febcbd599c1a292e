using Spectre.Console;

namespace Frugal.Cli.Rendering;

/// <summary>JSON for machines: written raw to the console's stream, bypassing Spectre's line wrapping and markup.</summary>
public static class JsonOutput
{
    public static void Write(IAnsiConsole console, string json)
    {
        var writer = console.Profile.Out.Writer;
        writer.WriteLine(json);
        writer.Flush();
    }
}
