using System.ComponentModel;
using Frugal.Cli.Commands.Schedule;
using Frugal.Core.IO;
using Frugal.Core.Randomness;
using Frugal.Provisioning.Chains;
using Frugal.Provisioning.Evaluation;
using Frugal.Provisioning.Methods;
using Frugal.Provisioning.Simulation;
using Frugal.Provisioning.Traces;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Provision;

/// <summary>The trace and the simulated cluster every <c>frugal provision</c> command works on.</summary>
public class ProvisionSettings : GlobalSettings
{
    [CommandOption("--trace <FILE>")]
    [Description("Slurm trace. Default: Lonestar6's A100 trace from data/mirage, else a generated 60-day trace.")]
    public string? Trace { get; init; }

    [CommandOption("--format <NAME>")]
    [Description("Trace format: auto (default), mirage (sacct-derived TSV), sacct (sacct -P output), swf (Standard Workload Format) or jobcomp (Slurm's jobcomp/filetxt log).")]
    [DefaultValue("auto")]
    public string Format { get; init; } = "auto";

    [CommandOption("--skip-bad")]
    [Description("Skip malformed trace lines, and report how many, instead of failing on the first.")]
    public bool SkipBad { get; init; }

    [CommandOption("--procs-per-node <N>")]
    [Description("Standard Workload Format only: processors per node (default 1).")]
    [DefaultValue(1)]
    public int ProcessorsPerNode { get; init; } = 1;

    [CommandOption("--pools <SPEC>")]
    [Description("Node pools: a node count for one pool (default 88, as in Mirage) or PARTITION=NODES,...")]
    [DefaultValue("88")]
    public string Pools { get; init; } = "88";

    [CommandOption("--replay-priority")]
    [Description("Order the queue by each job's logged priority instead of Slurm's multifactor formula (where the trace logs one).")]
    public bool ReplayPriority { get; init; }

    [CommandOption("--uncapped-age")]
    [Description("Let the age factor grow past PriorityMaxAge (7 days), as Mirage's simulator does; Slurm caps it.")]
    public bool UncappedAge { get; init; }

    public SchedulerOptions Scheduler() => new() { ReplayLoggedPriority = ReplayPriority, CapAge = !UncappedAge };

    /// <summary>Reads the trace; a missing or malformed file becomes a one-line usage error.</summary>
    public (IReadOnlyList<SlurmJob> Jobs, string Source, int Skipped, int NeverStarted) LoadTrace() => InputErrors.AsUsage(() =>
    {
        if (Trace is { } path)
        {
            var read = TraceReaders.Read(path, Format, new TraceReadOptions { SkipBad = SkipBad, ProcessorsPerNode = ProcessorsPerNode });
            return (read.Jobs, path, read.SkippedBadLines, read.NeverStarted);
        }
        if (ReferenceData.Locate("mirage") is { } dir)
        {
            // Lonestar6's trace has one malformed row, which Mirage's reader drops too.
            var read = TraceReaders.Read(Path.Combine(dir, MirageExperiment.TraceFileName), "mirage", new TraceReadOptions { SkipBad = true });
            return (read.Jobs, MirageExperiment.TraceFileName, read.SkippedBadLines, read.NeverStarted);
        }
        IReadOnlyList<SlurmJob> generated = SyntheticTrace.Generate(new SyntheticTraceOptions { Days = 60 }, new SeedTree(Seed).Child("trace"));
        return (generated, "generated", 0, 0);
    });

    public NodePools NodePools() => InputErrors.AsUsage(() => Provisioning.Simulation.NodePools.Parse(Pools));

    public override ValidationResult Validate()
    {
        var global = base.Validate();
        if (!global.Successful) return global;
        if (ProcessorsPerNode < 1) return ValidationResult.Error($"--procs-per-node: {ProcessorsPerNode} must be at least 1.");
        return ValidationResult.Success();
    }
}

/// <summary>The chain and sampling options shared by <c>train</c> and <c>evaluate</c>.</summary>
public class ChainSettings : ProvisionSettings
{
    [CommandOption("--chain-nodes <N>")]
    [Description("Nodes of the predecessor and successor (default 1; the paper also uses 8).")]
    [DefaultValue(1)]
    public int ChainNodes { get; init; } = 1;

    [CommandOption("--chain-hours <H>")]
    [Description("Time limit of each job of the chain, in hours (default 48).")]
    [DefaultValue(48.0)]
    public double ChainHours { get; init; } = 48;

    [CommandOption("--stride-hours <H>")]
    [Description("Hours between sample starts (default 4, as in Mirage).")]
    [DefaultValue(4.0)]
    public double StrideHours { get; init; } = 4;

    [CommandOption("--max-samples <N>")]
    [Description("At most N samples per period (training and validation); default every start the period allows.")]
    public int? MaxSamples { get; init; }

    [CommandOption("--probes <N>")]
    [Description("Training probes per sample (default 7).")]
    [DefaultValue(7)]
    public int Probes { get; init; } = 7;

    [CommandOption("--trees <N>")]
    [Description("Trees (FastForest) or boosting iterations (LightGbm) of a learned model (default 100).")]
    [DefaultValue(100)]
    public int Trees { get; init; } = 100;

    [CommandOption("--pg-updates <N>")]
    [Description("pg: REINFORCE updates (default 60).")]
    [DefaultValue(60)]
    public int PgUpdates { get; init; } = 60;

    [CommandOption("--pg-episodes <N>")]
    [Description("pg: episodes per update (default 32).")]
    [DefaultValue(32)]
    public int PgEpisodes { get; init; } = 32;

    [CommandOption("--pg-baseline <NAME>")]
    [Description("pg: episode (Mirage's running mean of the episode's rewards; default) or batch (the batch's mean reward).")]
    [DefaultValue("episode")]
    public string PgBaseline { get; init; } = "episode";

    public StudyOptions Study(IReadOnlyList<string> methods, IReadOnlyList<double> loads) => InputErrors.AsUsage(() =>
    {
        var options = new StudyOptions
        {
            Methods = methods,
            Loads = loads,
            Episode = new EpisodeSettings { Pools = NodePools(), Scheduler = Scheduler(), Chain = new ChainSpec(ChainNodes, (long)(ChainHours * 3600)) },
            StrideSeconds = (long)(StrideHours * 3600),
            ProbesPerSample = Probes,
            MaxTrainingSamples = MaxSamples,
            MaxValidationSamples = MaxSamples,
            Model = new ValueModelOptions { Trees = Trees },
            PolicyGradient = new PolicyGradientOptions
            {
                Updates = PgUpdates, EpisodesPerUpdate = PgEpisodes, Baseline = PgBaseline == "batch" ? PolicyBaseline.Batch : PolicyBaseline.Episode,
            },
            Seed = (int)(new SeedTree(Seed).SeedOf("models") & int.MaxValue),
        };
        options.Episode.Validate();
        return options;
    });

    public override ValidationResult Validate()
    {
        var baseResult = base.Validate();
        if (!baseResult.Successful) return baseResult;
        if (ChainNodes < 1) return ValidationResult.Error($"--chain-nodes: {ChainNodes} must be at least 1.");
        if (!(ChainHours >= 1)) return ValidationResult.Error($"--chain-hours: {ChainHours} must be at least 1.");
        if (!(StrideHours > 0)) return ValidationResult.Error($"--stride-hours: {StrideHours} must be positive.");
        if (MaxSamples is < 1) return ValidationResult.Error($"--max-samples: {MaxSamples} must be at least 1.");
        if (Probes < 2) return ValidationResult.Error($"--probes: {Probes} must be at least 2.");
        if (Trees < 1) return ValidationResult.Error($"--trees: {Trees} must be at least 1.");
        if (PgUpdates < 1) return ValidationResult.Error($"--pg-updates: {PgUpdates} must be at least 1.");
        if (PgEpisodes < 1) return ValidationResult.Error($"--pg-episodes: {PgEpisodes} must be at least 1.");
        if (PgBaseline is not ("episode" or "batch")) return ValidationResult.Error($"--pg-baseline: '{PgBaseline}' is neither episode nor batch.");
        return ValidationResult.Success();
    }
}
