using System.ComponentModel;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Core.Experiments;
using Frugal.Core.Results;
using Frugal.Scheduling.Experiments;
using Frugal.Scheduling.Policies;
using Frugal.Scheduling.Simulation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Schedule;

/// <summary><c>frugal schedule compare</c>: several policies on one trace; a table, plots and an HTML report.</summary>
public sealed class CompareCommand(IAnsiConsole console) : Command<CompareCommand.Settings>
{
    public sealed class Settings : ScheduleSettings
    {
        [CommandOption("--policies <NAMES>")]
        [Description("Comma-separated policy names or aliases (default: shockwave and all eight baselines).")]
        public string? Policies { get; init; }

        public IReadOnlyList<string> PolicyNames =>
            Policies?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? PolicyComparison.AllPolicies;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var (trace, throughputs, cluster) = settings.Load();
        var options = settings.Options();
        // Resolve the names before the long run, so that a typo fails at once.
        var shockwave = settings.Shockwave(cluster);
        foreach (var name in settings.PolicyNames) InputErrors.AsUsage(() => PolicyComparison.SchedulerFor(name, options, throughputs.Value, shockwave));
        var experiment = new PolicyComparisonExperiment(trace, throughputs, cluster, settings.PolicyNames, options, shockwave);
        var reproduction = new ReproductionOptions(settings.Seed, Quick: false, settings.Out);

        var summary = settings.JsonOnConsole
            ? Reproduction.Run([experiment], reproduction, observer: null, cancellation)
            : console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(p => Reproduction.Run([experiment], reproduction, new ProgressObserver(p), cancellation));
        if (summary.Outcomes[0].Error is { } error) throw new InvalidOperationException(error);

        if (!settings.JsonOnConsole)
        {
            ScheduleView.Comparison(console, experiment.Runs, experiment.Published);
            console.MarkupLineInterpolated($"Report: [link]{summary.ReportPath}[/]");
        }
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(experiment.Runs.Select(r => SimulationSummary.From(r, trace.Source)), ResultJson.Options));
        return ExitCodes.Success;
    }
}
