using System.Globalization;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Core.Results;
using Frugal.Tuning.Spaces;
using Frugal.Tuning.Targets;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Tune;

/// <summary><c>frugal tune targets</c>: every target with its default space.</summary>
internal sealed class TuneTargetsCommand(IAnsiConsole console) : Command<GlobalSettings>
{
    public override int Execute(CommandContext context, GlobalSettings settings, CancellationToken cancellation)
    {
        var listing = TargetCatalog.Listing();
        if (!settings.JsonOnConsole)
        {
            var table = new Table().AddColumn("target").AddColumn("default space")
                .AddColumn(new TableColumn("knobs").RightAligned()).AddColumn("description");
            foreach (var target in listing)
                table.AddRow(Markup.Escape(target.Name), Markup.Escape(target.Space),
                    target.Knobs.ToString(CultureInfo.InvariantCulture), Markup.Escape(target.Description));
            console.Write(table);
        }
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(listing, ResultJson.Options));
        return ExitCodes.Success;
    }
}

/// <summary>
/// <c>frugal tune space</c>: checks a space file (or shows a target's space) and lists its knobs; as JSON, in the
/// space-file format.
/// </summary>
internal sealed class TuneSpaceCommand(IAnsiConsole console) : TuneCommand<TargetSettings>
{
    protected override int Run(TargetSettings settings, CancellationToken cancellation)
    {
        var (_, space) = settings.LoadTarget();
        if (!settings.JsonOnConsole) TuneView.Space(console, space);
        JsonOutput.Emit(console, settings, SpaceFile.ToJson(space));
        return ExitCodes.Success;
    }
}
