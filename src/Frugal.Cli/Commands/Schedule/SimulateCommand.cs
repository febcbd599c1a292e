using System.ComponentModel;
using Frugal.Cli.Rendering;
using Frugal.Scheduling.Iteration;
using Frugal.Scheduling.Policies;
using Frugal.Scheduling.Simulation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Schedule;

/// <summary><c>frugal schedule simulate</c>: one policy on one trace; prints the metrics.</summary>
internal sealed partial class SimulateCommand(IAnsiConsole console) : Command<SimulateCommand.Settings>
{
    /// <summary>The inputs, and the policy.</summary>
    public sealed partial class Settings : ScheduleSettings
    {
        [CommandOption("--policy <NAME>")]
        [Description(
            "Scheduling policy: shockwave, fifo, srtf, gandiva_fair, max_min_fairness (gavel), finish_time_fairness " +
            "(themis), max_sum_throughput (mst), min_total_duration (ossp), allox, jigsaw (iteration level, against " +
            "its base order with SPB off). Default max_min_fairness.")]
        [DefaultValue("max_min_fairness")]
        public string Policy { get; init; } = "max_min_fairness";

        private protected override string PolicyFlag => "--policy";

        private protected override void CheckPolicies()
        {
            if (!JigSawComparison.Names(Policy)) PolicyCatalog.Policies.Get(Policy);
        }
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        if (settings.Placement is not null) return RunPlacement(settings, cancellation);
        var cluster = settings.ClusterSpec();
        var options = settings.Options();
        var shockwave = settings.Shockwave(cluster);
        var jigsaw = settings.JigSaw();
        var (result, trace) = ScheduleProgress.Run(console, settings, progress =>
        {
            progress.Step("reading the inputs");
            var (trace, throughputs) = settings.Load();
            if (JigSawComparison.Names(settings.Policy))
            {
                var profiles = SpbProfiles.Default();
                var both = progress.Step($"jigsaw and its baseline: {trace.Value.Count} jobs on {cluster}");
                var comparison = JigSawComparison.Run(
                    trace.Value, throughputs.Value, cluster, profiles, jigsaw, both, cancellation);
                return (comparison.Runs[^1], trace.Source);
            }
            var policy = PolicyCatalog.Policies.Canonical(settings.Policy);
            var simulation = progress.Step($"{policy}: {trace.Value.Count} jobs on {cluster}");
            var runs = PolicyComparison.Run(
                trace.Value, throughputs.Value, cluster, [policy], options, shockwave, simulation, cancellation);
            return (runs[0], trace.Source);
        });

        if (!settings.JsonOnConsole) ScheduleView.Metrics(console, result, trace);
        JsonOutput.Emit(console, settings, SimulationSummary.From(result, trace).ToJson());
        return ExitCodes.Success;
    }
}
