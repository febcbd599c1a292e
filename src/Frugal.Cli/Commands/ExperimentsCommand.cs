using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Core.Experiments;
using Frugal.Core.Results;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands;

/// <summary><c>frugal experiments</c>: what <c>reproduce</c> can run.</summary>
internal sealed class ExperimentsCommand(IAnsiConsole console, ExperimentCatalog catalog) : Command<GlobalSettings>
{
    public override int Execute(CommandContext context, GlobalSettings settings, CancellationToken cancellation)
    {
        var list = catalog.All.Select(e => new ExperimentEntry(e.Name, e.Title, e.Description));
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(list, ResultJson.Options));
        if (settings.JsonOnConsole) return ExitCodes.Success;
        var table = new Table().AddColumns("name", "title", "what it shows");
        foreach (var e in catalog.All) table.AddRow(Markup.Escape(e.Name), Markup.Escape(e.Title),
            Markup.Escape(e.Description));
        console.Write(table);
        return ExitCodes.Success;
    }
}

/// <summary>One line of <c>frugal experiments --json</c>.</summary>
internal sealed record ExperimentEntry(string Name, string Title, string Description);
