using System.ComponentModel;
using Frugal.Cli.Rendering;
using Frugal.Core.Experiments;
using Frugal.Core.Results;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands;

/// <summary>
/// <c>frugal reproduce</c>: runs the registered experiments and writes their results and the HTML report.
/// </summary>
internal sealed class ReproduceCommand(IAnsiConsole console, ExperimentCatalog catalog)
    : Command<ReproduceCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--quick")]
        [Description("Run each experiment at a small scale that finishes in seconds.")]
        public bool Quick { get; init; }

        [CommandOption("--only <NAMES>")]
        [Description("Comma-separated experiment names (or component prefixes such as 'core') to run instead of all.")]
        public string? Only { get; init; }

        protected override bool WritesOutputFolder => true;

        public IReadOnlyList<string> OnlyNames =>
            Only?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

        public override ValidationResult Validate()
        {
            var global = base.Validate();
            if (!global.Successful) return global;
            return Only is not null && OnlyNames.Count == 0
                ? ValidationResult.Error("--only needs at least one experiment name.") : ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var experiments = catalog.Select(settings.OnlyNames.ToArray());
        var options = new ReproductionOptions(settings.Seed, settings.Quick, settings.Out);

        var summary = settings.JsonOnConsole
            ? Reproduction.Run(experiments, options, observer: null, cancellation)
            : console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                    new ElapsedTimeColumn(), new SpinnerColumn())
                .Start(progress =>
                    Reproduction.Run(experiments, options, new ProgressObserver(progress), cancellation));

        if (!settings.JsonOnConsole) ResultView.Summary(console, summary);
        JsonOutput.Emit(console, settings,
            ResultJson.Serialize(summary.Outcomes.Select(o => o.Result).OfType<ExperimentResult>()));
        return summary.AllSucceeded ? ExitCodes.Success : ExitCodes.Failure;
    }
}
