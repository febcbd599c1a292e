using System.ComponentModel;
using Frugal.Core.Randomness;
using Frugal.Scheduling.Policies.Shockwave;
using Frugal.Scheduling.Simulation;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Schedule;

/// <summary>The inputs of a simulation: trace, throughputs, cluster and round mechanics.</summary>
public class ScheduleSettings : GlobalSettings
{
    [CommandOption("--trace <FILE>")]
    [Description("Trace file (Gavel/Shockwave format). Default: Shockwave's canonical 120-job trace from data/shockwave, else a generated one.")]
    public string? Trace { get; init; }

    [CommandOption("--throughputs <FILE>")]
    [Description("Throughput file (Gavel's JSON format). Default: Shockwave's TACC file from data/shockwave, else a synthetic model.")]
    public string? Throughputs { get; init; }

    [CommandOption("--cluster <SPEC>")]
    [Description("GPUs per type, e.g. v100=32 or v100=16,k80=8 (default v100=32).")]
    [DefaultValue("v100=32")]
    public string Cluster { get; init; } = "v100=32";

    [CommandOption("--round <SECONDS>")]
    [Description("Round length in seconds (default 120, as in the Shockwave experiments).")]
    [DefaultValue(120.0)]
    public double Round { get; init; } = 120;

    [CommandOption("--restart-overhead <SECONDS>")]
    [Description("Seconds a job loses when it resumes after a round off (default 20; 0 turns it off).")]
    [DefaultValue(20.0)]
    public double RestartOverhead { get; init; } = 20;

    [CommandOption("--preset <NAME>")]
    [Description("Shockwave's parameter set: tacc32, scale64, scale128 or scale256 (default: the one for the cluster's size).")]
    public string? Preset { get; init; }

    [CommandOption("--window <ROUNDS>")]
    [Description("Shockwave: rounds planned ahead (overrides the preset; 20).")]
    public int? Window { get; init; }

    [CommandOption("--makespan-weight <K>")]
    [Description("Shockwave: weight of the makespan regulariser (overrides the preset).")]
    public double? K { get; init; }

    [CommandOption("--lambda <EXPONENT>")]
    [Description("Shockwave: exponent of the unfairness weights (overrides the preset).")]
    public double? Lambda { get; init; }

    [CommandOption("--time-limit <SECONDS>")]
    [Description("Shockwave: time limit per solve (default 15).")]
    public double? TimeLimit { get; init; }

    [CommandOption("--gap <FRACTION>")]
    [Description("Shockwave: relative MIP gap (default 0.001).")]
    public double? Gap { get; init; }

    /// <summary>The preset (named, or the one for the cluster's size) with the overrides given on the command line.</summary>
    public ShockwaveOptions Shockwave(ClusterSpec cluster) => InputErrors.AsUsage(() =>
    {
        var preset = Preset is null ? ShockwaveOptions.ForCluster(cluster.TotalGpus) : ShockwaveOptions.Preset(Preset);
        var options = preset with
        {
            WindowRounds = Window ?? preset.WindowRounds,
            MakespanWeight = K ?? preset.MakespanWeight,
            Lambda = Lambda ?? preset.Lambda,
            TimeLimit = TimeLimit is { } seconds ? TimeSpan.FromSeconds(seconds) : preset.TimeLimit,
            RelativeGap = Gap ?? preset.RelativeGap,
        };
        options.Validate();
        return options;
    });

    public override ValidationResult Validate()
    {
        var global = base.Validate();
        if (!global.Successful) return global;
        if (!(Round > 0)) return ValidationResult.Error($"--round: {Round} must be a positive number of seconds.");
        if (!(RestartOverhead >= 0) || RestartOverhead >= Round)
            return ValidationResult.Error($"--restart-overhead: {RestartOverhead} must be at least 0 and shorter than the round ({Round} s).");
        return ValidationResult.Success();
    }

    public SimulationOptions Options() => new() { RoundSeconds = Round, RestartOverheadSeconds = RestartOverhead };

    /// <summary>Loads the inputs; a missing or malformed file, cluster or policy name becomes a one-line usage error.</summary>
    public (Sourced<IReadOnlyList<JobSpec>> Trace, Sourced<ThroughputTable> Throughputs, ClusterSpec Cluster) Load() => InputErrors.AsUsage(() =>
    {
        var throughputs = ScheduleInputs.Throughputs(Throughputs);
        var trace = ScheduleInputs.Trace(Trace, throughputs.Value, new SeedTree(Seed).Child("trace"));
        return (trace, throughputs, ClusterSpec.Parse(Cluster));
    });
}
