using Frugal.Tuning.Targets;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Tune;

/// <summary><c>frugal tune targets</c>: every target with its default space.</summary>
public sealed class TuneTargetsCommand(IAnsiConsole console) : Command<GlobalSettings>
{
    public override int Execute(CommandContext context, GlobalSettings settings, CancellationToken cancellation)
    {
        var table = new Table().AddColumn("target").AddColumn("default space").AddColumn(new TableColumn("knobs").RightAligned()).AddColumn("description");
        foreach (var entry in TargetCatalog.All)
        {
            var space = entry.DefaultSpace(new TargetOptions());
            table.AddRow(Markup.Escape(entry.Name), Markup.Escape(space.Name), space.Knobs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(entry.Description));
        }
        console.Write(table);
        return ExitCodes.Success;
    }
}

/// <summary><c>frugal tune space</c>: checks a space file (or shows a target's space) and lists its knobs.</summary>
public sealed class TuneSpaceCommand(IAnsiConsole console) : Command<TargetSettings>
{
    public override int Execute(CommandContext context, TargetSettings settings, CancellationToken cancellation)
    {
        var (_, space) = settings.LoadTarget();
        TuneView.Space(console, space);
        return ExitCodes.Success;
    }
}
