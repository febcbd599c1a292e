using System.ComponentModel;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Core.Results;
using Frugal.Scheduling.Simulation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Schedule;

/// <summary><c>frugal schedule simulate</c>: one policy on one trace; prints the metrics.</summary>
public sealed class SimulateCommand(IAnsiConsole console) : Command<SimulateCommand.Settings>
{
    public sealed class Settings : ScheduleSettings
    {
        [CommandOption("--policy <NAME>")]
        [Description("Scheduling policy: shockwave, fifo, srtf, gandiva_fair, max_min_fairness (gavel), finish_time_fairness (themis), max_sum_throughput (mst), min_total_duration (ossp), allox. Default max_min_fairness.")]
        [DefaultValue("max_min_fairness")]
        public string Policy { get; init; } = "max_min_fairness";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var (trace, throughputs, cluster) = settings.Load();
        var options = settings.Options();
        var shockwave = settings.Shockwave(cluster);
        var scheduler = InputErrors.AsUsage(() => PolicyComparison.SchedulerFor(settings.Policy, options, throughputs.Value, shockwave));
        var simulator = new Simulator(throughputs.Value, cluster, options);
        var result = settings.JsonOnConsole
            ? simulator.Run(trace.Value, scheduler, cancellation: cancellation)
            : console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(p =>
                {
                    var task = p.AddTask(Markup.Escape($"{scheduler.Name}: {trace.Value.Count} jobs on {cluster}"), maxValue: 1);
                    return simulator.Run(trace.Value, scheduler, new Core.Experiments.SynchronousProgress<double>(f => task.Value = f), cancellation);
                });

        if (!settings.JsonOnConsole) ScheduleView.Metrics(console, result, trace.Source);
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(SimulationSummary.From(result, trace.Source), ResultJson.Options));
        return ExitCodes.Success;
    }
}
