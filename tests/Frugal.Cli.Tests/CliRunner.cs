using Spectre.Console.Testing;

namespace Frugal.Cli.Tests;

/// <summary>Runs the <c>frugal</c> command in-process on a wide test console and checks its error lines.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Output, string Errors) Run(params string[] args) =>
        Run(CancellationToken.None, args);

    public static (int ExitCode, string Output, string Errors) Run(CancellationToken cancellation, params string[] args)
    {
        var console = new TestConsole().Width(200);
        var errors = new StringWriter();
        var code = FrugalApp.Run(args, console, errors, cancellation);
        return (code, console.Output, errors.ToString());
    }

    public static void AssertOneLineError(string errors, string mentions)
    {
        var lines = errors.TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("frugal: error: ", lines[0]);
        Assert.Contains(mentions, lines[0]);
    }
}
