using Spectre.Console.Cli;

namespace Frugal.Cli.Commands;

/// <summary>
/// The default command of every command group: <c>frugal schedule</c> alone names no command, a usage
/// error (exit 2) in one line, where Spectre would print the group's help and exit 1.
/// <c>frugal schedule --help</c> still prints the help.
/// </summary>
internal sealed class MissingCommand : Command<EmptyCommandSettings>
{
    /// <inheritdoc/>
    public override int Execute(CommandContext context, EmptyCommandSettings settings, CancellationToken cancellation)
    {
        // Groups are one level deep, so the group is the first argument.
        var group = context.Arguments.FirstOrDefault();
        throw new UsageException($"'frugal {group}' needs a command; 'frugal {group} --help' lists them.");
    }
}
