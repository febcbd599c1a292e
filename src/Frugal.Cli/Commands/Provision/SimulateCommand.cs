using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Core.Results;
using Frugal.Provisioning.Simulation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Provision;

/// <summary><c>frugal provision simulate</c>: replays a trace in the queue simulator and compares simulated with real waits.</summary>
public sealed class SimulateCommand(IAnsiConsole console) : Command<ProvisionSettings>
{
    public override int Execute(CommandContext context, ProvisionSettings settings, CancellationToken cancellation)
    {
        var (jobs, source, skipped, neverStarted) = settings.LoadTrace();
        var pools = settings.NodePools();
        var replay = InputErrors.AsUsage(() => TraceReplay.Run(jobs, pools, settings.Scheduler(), cancellation));
        var comparisons = WaitValidation.Compare(jobs, replay);
        if (!settings.JsonOnConsole)
        {
            console.MarkupLine(Markup.Escape($"{jobs.Count} jobs of {source} on pools {pools} ({skipped} bad lines skipped, {neverStarted} jobs never started)"));
            ProvisionView.Validation(console, comparisons);
        }
        var json = new
        {
            trace = source, jobs = jobs.Count, skippedBadLines = skipped, neverStarted, pools = pools.ToString(),
            groups = comparisons.Select(c => new
            {
                group = c.Group, jobs = c.Jobs, realMeanHours = c.RealMeanHours, simulatedMeanHours = c.SimulatedMeanHours,
                quantileLevels = WaitComparison.Levels, realQuantileHours = c.RealQuantileHours, simulatedQuantileHours = c.SimulatedQuantileHours,
                ksDistance = c.KsDistance,
            }),
        };
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(json, ResultJson.Options));
        return ExitCodes.Success;
    }
}
