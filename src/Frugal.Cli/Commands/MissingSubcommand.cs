using Spectre.Console.Cli;

namespace Frugal.Cli.Commands;

/// <summary>
/// What a command group (<c>frugal kv</c>, <c>frugal tune</c>, ...) runs when no subcommand follows it: a usage error
/// of one line, exit code 2. Without it the parser prints the group's help and exits 1, which reads as a failure.
/// </summary>
internal sealed class MissingSubcommand : Command
{
    public override int Execute(CommandContext context, CancellationToken cancellation)
    {
        // The group is the first argument: groups sit at the top level and take no options of their own.
        var group = context.Arguments.FirstOrDefault();
        throw new UsageException($"'{group}' needs a command; 'frugal {group} --help' lists them.");
    }
}
