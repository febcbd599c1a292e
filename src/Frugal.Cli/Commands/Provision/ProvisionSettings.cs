using System.ComponentModel;
using System.Globalization;
using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Provisioning.Chains;
using Frugal.Provisioning.Evaluation;
using Frugal.Provisioning.Methods;
using Frugal.Provisioning.Simulation;
using Frugal.Provisioning.Slurm;
using Frugal.Provisioning.Traces;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Provision;

/// <summary>The trace and the simulated cluster every <c>frugal provision</c> command works on.</summary>
internal class ProvisionSettings : GlobalSettings
{
    [CommandOption("--trace <FILE>")]
    [Description("Slurm trace. Default: Lonestar6's A100 trace from data/mirage, else a generated 60-day trace.")]
    public string? Trace { get; init; }

    [CommandOption("--format <NAME>")]
    [Description(
        "Trace format: auto (default), mirage (sacct-derived TSV), sacct (sacct -P output), swf (Standard Workload " +
        "Format) or jobcomp (Slurm's jobcomp/filetxt log).")]
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
    [Description(
        "Order the queue by each job's logged priority instead of Slurm's multifactor formula (where the trace logs " +
        "one).")]
    public bool ReplayPriority { get; init; }

    [CommandOption("--uncapped-age")]
    [Description("Let the age factor grow past PriorityMaxAge (7 days), as Mirage's simulator does; Slurm caps it.")]
    public bool UncappedAge { get; init; }

    public SchedulerOptions Scheduler() => new() { ReplayLoggedPriority = ReplayPriority, CapAge = !UncappedAge };

    /// <summary>Reads the trace (<c>--trace</c>, else the reference trace), showing how much is read.</summary>
    public TraceReadResult LoadTrace(IAnsiConsole console, CancellationToken cancellation) =>
        ProvisionView.WithProgress(console, this, $"loading {Trace ?? "the default trace"}", progress =>
        {
            cancellation.ThrowIfCancellationRequested();
            return Trace is { } path
                ? TraceReaders.Read(path, Format,
                    new TraceReadOptions { SkipBad = SkipBad, ProcessorsPerNode = ProcessorsPerNode }, progress)
                : ReferenceTrace.Load(new SeedTree(Seed), progress: progress);
        });

    /// <summary>The node pools <c>--pools</c> names (checked by <see cref="Validate"/>).</summary>
    public NodePools NodePools() => Provisioning.Simulation.NodePools.Parse(Pools);

    /// <summary>The option that sets each setting the provisioning library may name in a bad-input error.</summary>
    private static readonly Dictionary<string, string> OptionsBySetting = new(StringComparer.Ordinal)
    {
        [TraceReadOptions.SkipBadSetting] = "--skip-bad",
        [TraceReadOptions.ProcessorsPerNodeSetting] = "--procs-per-node",
        [TraceReaders.FormatSetting] = "--format",
        [Provisioning.Simulation.NodePools.Setting] = "--pools",
        [MethodCatalog.Setting] = "--method",
        [TrainedModels.ModelSetting] = "--model",
        [ChainSpec.NodesSetting] = "--chain-nodes",
        [ChainSpec.LimitSetting] = "--chain-hours",
        [EpisodeSettings.LoadSetting] = "--load",
        [TimeSplit.StrideSetting] = "--stride-hours",
        [TimeSplit.MaxSamplesSetting] = "--max-samples",
        [StudyOptions.ProbesSetting] = "--probes",
        [ValueModelOptions.TreesSetting] = "--trees",
        [PolicyGradientOptions.UpdatesSetting] = "--pg-updates",
        [PolicyGradientOptions.EpisodesSetting] = "--pg-episodes",
        [SlurmCommands.JobSetting] = "--job",
    };

    /// <inheritdoc/>
    public override string? OptionFor(string setting) => OptionsBySetting.GetValueOrDefault(setting);

    public override ValidationResult Validate()
    {
        var global = base.Validate();
        if (!global.Successful) return global;
        if (ProcessorsPerNode < 1)
            return ValidationResult.Error($"--procs-per-node: {ProcessorsPerNode} must be at least 1.");
        if (!TraceReaders.Formats.Contains(Format))
            return ValidationResult.Error($"--format: {TraceReaders.Formats.Unknown([Format]).Message}");
        return CheckedBy(() => NodePools());
    }

    /// <summary>The error for a number option outside [<paramref name="min"/>, <paramref name="max"/>] (NaN and
    /// infinities included), or null.</summary>
    internal static ValidationResult? OutOfRange(string flag, double value, double min, double max, string unit = "")
    {
        if (double.IsFinite(value) && value >= min && value <= max) return null;
        static string F(double v) => v.ToString("G", CultureInfo.InvariantCulture);
        return ValidationResult.Error($"--{flag}: {F(value)} is not a number from {F(min)} to {F(max)}{unit}.");
    }

    /// <summary>The error for a whole-number option outside [<paramref name="min"/>, <paramref name="max"/>], or
    /// null.</summary>
    internal static ValidationResult? OutOfRange(string flag, int value, int min, int max) =>
        value >= min && value <= max
            ? null
            : ValidationResult.Error($"--{flag}: {value.ToString(CultureInfo.InvariantCulture)} " +
                                     $"is not a whole number from {min:N0} to {max:N0}.");
}

/// <summary>The chain and sampling options shared by <c>train</c> and <c>evaluate</c>.</summary>
internal class ChainSettings : ProvisionSettings
{
    /// <summary>The shortest stride between sample starts the commands take: six minutes.</summary>
    private const double MinStrideHours = 0.1;

    private const double HoursPerYear = 8760;

    [CommandOption("--chain-nodes <N>")]
    [Description("Nodes of the predecessor and successor (default 1; the paper also uses 8).")]
    [DefaultValue(1)]
    public int ChainNodes { get; init; } = 1;

    [CommandOption("--chain-hours <H>")]
    [Description("Time limit of each job of the chain, in hours, from 1 to 8760 (default 48).")]
    [DefaultValue(48.0)]
    public double ChainHours { get; init; } = 48;

    [CommandOption("--stride-hours <H>")]
    [Description("Hours between sample starts, from 0.1 to 8760 (default 4, as in Mirage).")]
    [DefaultValue(4.0)]
    public double StrideHours { get; init; } = 4;

    [CommandOption("--max-samples <N>")]
    [Description("At most N samples per period (training and validation); " +
                 "default every start the period allows, up to 20,000.")]
    public string? MaxSamplesText { get; init; }

    /// <summary>
    /// <c>--max-samples</c>, null where it is not given. Read as text, so that an empty value is
    /// refused rather than taken for "not given".
    /// </summary>
    public int? MaxSamples =>
        MaxSamplesText is { } text ? int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) : null;

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
    [Description(
        "pg: episode (Mirage's running mean of the episode's rewards; default) or batch (the batch's mean reward).")]
    [DefaultValue("episode")]
    public string PgBaseline { get; init; } = "episode";

    /// <summary>The study these options describe, for <paramref name="methods"/> at <paramref name="loads"/>, checked
    /// before any work.</summary>
    /// <exception cref="BadInputException">A setting the component refuses (a method, the chain against the pools); the
    /// message names it.</exception>
    public StudyOptions Study(IReadOnlyList<string> methods, IReadOnlyList<double> loads)
    {
        var options = new StudyOptions
        {
            Methods = methods,
            Loads = loads,
            Episode = new EpisodeSettings
            {
                Pools = NodePools(),
                Scheduler = Scheduler(),
                Chain = new ChainSpec(ChainNodes, (long)(ChainHours * 3600)),
            },
            StrideSeconds = (long)(StrideHours * 3600),
            ProbesPerSample = Probes,
            MaxTrainingSamples = MaxSamples,
            MaxValidationSamples = MaxSamples,
            Model = new ValueModelOptions { Trees = Trees },
            PolicyGradient = new PolicyGradientOptions
            {
                Updates = PgUpdates, EpisodesPerUpdate = PgEpisodes, Baseline =
                    PgBaseline == "batch" ? PolicyBaseline.Batch : PolicyBaseline.Episode,
            },
            Seed = (int)(new SeedTree(Seed).SeedOf("models") & int.MaxValue),
        };
        options.Validate();
        return options;
    }

    public override ValidationResult Validate()
    {
        var baseResult = base.Validate();
        if (!baseResult.Successful) return baseResult;
        return OutOfRange("chain-nodes", ChainNodes, 1, int.MaxValue)
               ?? OutOfRange("chain-hours", ChainHours, 1, ChainSpec.MaxLimitSeconds / 3600.0)
               ?? OutOfRange("stride-hours", StrideHours, MinStrideHours, HoursPerYear)
               ?? (MaxSamplesText is { } samples && !(int.TryParse(samples, NumberStyles.None,
                       CultureInfo.InvariantCulture, out var count) && count >= 1)
                   ? ValidationResult.Error(
                       $"--max-samples: '{samples}' is not a whole number from 1 to {int.MaxValue:N0}.")
                   : null)
               ?? OutOfRange("probes", Probes, 2, StudyOptions.MaxProbesPerSample)
               ?? OutOfRange("trees", Trees, 1, ValueModelOptions.MaxTrees)
               ?? OutOfRange("pg-updates", PgUpdates, 1, PolicyGradientOptions.MaxUpdates)
               ?? OutOfRange("pg-episodes", PgEpisodes, 1, PolicyGradientOptions.MaxEpisodesPerUpdate)
               ?? (PgBaseline is "episode" or "batch"
                   ? ValidationResult.Success()
                   : ValidationResult.Error($"--pg-baseline: '{PgBaseline}' is neither episode nor batch."));
    }
}
