using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Core.Errors;
using Frugal.Core.IO;
using Frugal.Core.Results;
using Frugal.Scheduling.GpuPlacement;
using Frugal.Scheduling.Traces;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Schedule;

/// <summary>
/// <c>frugal schedule simulate --placement ...</c>: a variability-aware placement simulation (PAL's model) of a
/// Sia-Philly trace instead of the Gavel-style simulation.
/// </summary>
internal sealed partial class SimulateCommand
{
    /// <summary>The placement simulation's options.</summary>
    public sealed partial class Settings
    {
        [CommandOption("--placement <NAME>")]
        [Description("Simulate GPU placement instead: pal, pm-first, packed-sticky or packed-non-sticky. --trace is " +
                     "then a Sia-Philly trace (default data/pal workload-1); use --round 360 for the reference.")]
        public string? Placement { get; init; }

        [CommandOption("--variability <FILE>")]
        [Description("With --placement: a PAL GPU table (PerfVar_class* columns) looked up GPU by GPU. Default: " +
                     "16×4 GPUs sampled from the study's measurements (data/pal/profiles.json) by CPython's " +
                     "generator seeded with --seed, as the reference does (42 gives its cluster).")]
        public string? Variability { get; init; }

        [CommandOption("--nodes <N>")]
        [TypeConverter(typeof(StrictNumberConverter<int>))]
        [Description("With --placement and sampled slowdowns: nodes (default 16).")]
        [DefaultValue(16)]
        public int Nodes { get; init; } = 16;

        [CommandOption("--gpus-per-node <N>")]
        [TypeConverter(typeof(StrictNumberConverter<int>))]
        [Description("With --placement and sampled slowdowns: GPUs per node (default 4).")]
        [DefaultValue(4)]
        public int GpusPerNode { get; init; } = 4;

        [CommandOption("--scheduler <NAME>")]
        [Description("With --placement: the job order, fifo, las or srtf (default fifo).")]
        [DefaultValue("fifo")]
        public string Scheduler { get; init; } = "fifo";

        [CommandOption("--locality-penalty <LAMBDA>")]
        [TypeConverter(typeof(StrictNumberConverter<double>))]
        [Description("With --placement: constant cross-node penalty λ ≥ 1 (default 1.7); 'table' uses the per-model " +
                     "table instead.")]
        public double? LocalityPenalty { get; init; }

        [CommandOption("--locality-table")]
        [Description("With --placement: the per-model penalty table and per-class PAL factors instead of λ.")]
        public bool LocalityTable { get; init; }

        [CommandOption("--arrivals <MODE>")]
        [Description("With --placement: 'replay' (the reference's: the trace at its submit times, then its rows " +
                     "again at 2 jobs/h; jobs 0..n-1 measured) or 'trace' (the trace's jobs alone). Default replay.")]
        [DefaultValue("replay")]
        public string Arrivals { get; init; } = "replay";

        [CommandOption("--silhouette")]
        [Description("With --placement pal/pm-first: choose K1 by silhouette (the reference always takes 2).")]
        public bool Silhouette { get; init; }
    }

    private int RunPlacement(Settings settings, CancellationToken cancellation)
    {
        var options = new PlacementOptions
        {
            Placement = PlacementPolicies.Catalog.Canonical(settings.Placement!),
            Scheduler = JobOrder.Catalog.Canonical(settings.Scheduler),
            RoundSeconds = settings.Round,
            Locality =
                settings.LocalityTable ? new TableLocality() : new ConstantLocality(settings.LocalityPenalty ?? 1.7),
            ClusterCount = settings.Silhouette ? ClusterCountRule.Silhouette : ClusterCountRule.ReferenceFirstK,
        };
        if (settings.Arrivals is not ("trace" or "replay"))
            throw new BadInputException($"--arrivals: '{settings.Arrivals}' is neither replay nor trace");
        var tracePath = settings.Trace ?? Path.Combine(ReferenceData.Require("pal"), "sia-philly", "workload-1.csv");
        var trace = SiaPhillyReader.Read(tracePath);
        IEnumerable<PlacementJob> jobs = trace;
        if (settings.Arrivals == "replay")
        {
            jobs = SiaArrivals.Replay(trace, SiaArrivals.ReferenceJobsPerHour);
            options = options with { TrackedJobs = trace.Count };
        }
        var table = settings.Variability is { } file
            ? GpuTable.Read(file)
            : MeasuredProfiles.Sample(Path.Combine(ReferenceData.Require("pal"), "profiles.json"), settings.Nodes,
                settings.GpusPerNode, settings.Seed);
        var run = PlacementSimulator.Run(jobs, table, options, cancellation);
        if (!settings.JsonOnConsole)
        {
            static string F(double v, string f = "0") => v.ToString(f, CultureInfo.InvariantCulture);
            var grid = new Table().Title(Markup.Escape($"{options.Placement} + {options.Scheduler} on {table.Source}"))
                .AddColumns("jobs", "mean JCT s", "makespan s", "rounds", "preemptions", "cross-node share");
            grid.AddRow(run.Jobs.Count.ToString(CultureInfo.InvariantCulture), F(run.MeanJctSeconds),
                F(run.MakespanSeconds), run.Rounds.ToString(CultureInfo.InvariantCulture),
                run.Preemptions.ToString(CultureInfo.InvariantCulture),
                F(run.CrossNodeRounds / (double)Math.Max(1, run.JobRounds), "0.000"));
            console.Write(grid);
            console.MarkupLine(Markup.Escape($"trace {tracePath} ({settings.Arrivals} arrivals), " +
                                             $"locality {options.Locality.Describe()}, round " +
                                                 $"{F(options.RoundSeconds)} s"));
        }
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(new PlacementJson(options.Placement,
            options.Scheduler, tracePath, table.Source, options.Locality.Describe(), run.MeanJctSeconds,
            run.MakespanSeconds, run.Rounds, run.Preemptions, run.Jobs), ResultJson.Options));
        return ExitCodes.Success;
    }

    private sealed record PlacementJson(string Placement, string Scheduler, string Trace, string Gpus,
        string Locality, double MeanJctSeconds, double MakespanSeconds, int Rounds, int Preemptions,
        IReadOnlyList<JobOutcome> Jobs);
}
