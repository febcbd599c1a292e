using System.ComponentModel;
using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Scheduling.Iteration;
using Frugal.Scheduling.Policies.Shockwave;
using Frugal.Scheduling.Simulation;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Schedule;

/// <summary>
/// The inputs of a simulation: trace, throughputs, cluster, round mechanics and Shockwave's parameters.
/// </summary>
internal abstract class ScheduleSettings : GlobalSettings
{
    [CommandOption("--trace <FILE>")]
    [Description(
        "Trace file (Gavel/Shockwave format). Default: Shockwave's canonical 120-job trace from data/shockwave, else " +
        "a generated one.")]
    public string? Trace { get; init; }

    [CommandOption("--throughputs <FILE>")]
    [Description(
        "Throughput file (Gavel's JSON format). Default: Shockwave's TACC file from data/shockwave, else a synthetic " +
        "model.")]
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

    [CommandOption("--batch-sizes <RULES>")]
    [Description("What changes batch sizes: rules (the artifact's simulator, default) or profile (each epoch's "
        + "profiled batch size).")]
    [DefaultValue("rules")]
    public string BatchSizes { get; init; } = "rules";

    [CommandOption("--preset <NAME>")]
    [Description(
        "Shockwave's parameter set: tacc32, scale64, scale128 or scale256 (default: the one for the cluster's size).")]
    public string? Preset { get; init; }

    [CommandOption("--window <ROUNDS>")]
    [TypeConverter(typeof(StrictNumberConverter<int>))]
    [Description("Shockwave: rounds planned ahead, 1 to 1000 (overrides the preset; 20).")]
    public int? Window { get; init; }

    [CommandOption("--makespan-weight <K>")]
    [TypeConverter(typeof(StrictNumberConverter<double>))]
    [Description("Shockwave: weight of the makespan regulariser (overrides the preset).")]
    public double? K { get; init; }

    [CommandOption("--lambda <EXPONENT>")]
    [TypeConverter(typeof(StrictNumberConverter<double>))]
    [Description("Shockwave: exponent of the unfairness weights, 0 to 100 (overrides the preset).")]
    public double? Lambda { get; init; }

    [CommandOption("--time-limit <SECONDS>")]
    [TypeConverter(typeof(StrictNumberConverter<double>))]
    [Description("Shockwave: time limit per solve, at most a day (default 15).")]
    public double? TimeLimit { get; init; }

    [CommandOption("--gap <FRACTION>")]
    [TypeConverter(typeof(StrictNumberConverter<double>))]
    [Description("Shockwave: relative MIP gap, 0 to 1 (default 0.001).")]
    public double? Gap { get; init; }

    [CommandOption("--base <ORDER>")]
    [Description("JigSaw: the base order, fifo, las or srtf (default fifo); the baseline uses it with SPB off.")]
    [DefaultValue("fifo")]
    public string Base { get; init; } = "fifo";

    [CommandOption("--spb-max-sigma <SIGMA>")]
    [TypeConverter(typeof(StrictNumberConverter<double>))]
    [Description("JigSaw: the largest skipped-backward fraction σ any job accepts, 0 to 1 (default 0.375).")]
    [DefaultValue(0.375)]
    public double SpbMaxSigma { get; init; } = 0.375;

    [CommandOption("--spb-max-sigma-per-model <LIST>")]
    [Description("JigSaw: σ_max per model family, overriding --spb-max-sigma, e.g. LM=0,ResNet-50=0.25.")]
    public string? SpbMaxSigmaPerModel { get; init; }

    [CommandOption("--full-sync-period <K>")]
    [TypeConverter(typeof(StrictNumberConverter<int>))]
    [Description("JigSaw: a job at σ > 0 runs every K-th iteration at σ = 0 (default 0: never).")]
    [DefaultValue(0)]
    public int FullSyncPeriod { get; init; }

    [CommandOption("--kappa <K>")]
    [TypeConverter(typeof(StrictNumberConverter<double>))]
    [Description("JigSaw: an SPB iteration counts as 1 − κσ of a full one, κ from 0 to 1 (default 0).")]
    [DefaultValue(0.0)]
    public double Kappa { get; init; }

    [CommandOption("--gamma <G>")]
    [TypeConverter(typeof(StrictNumberConverter<double>))]
    [Description("JigSaw: interference factor on shared GPUs' compute, 1 to 10 (default 1).")]
    [DefaultValue(1.0)]
    public double Gamma { get; init; } = 1;

    [CommandOption("--decision-iterations <Q>")]
    [TypeConverter(typeof(StrictNumberConverter<int>))]
    [Description("JigSaw: re-decide every Q iterations of the slowest running job (default 50).")]
    [DefaultValue(50)]
    public int DecisionIterations { get; init; } = 50;

    /// <summary>JigSaw's settings from the command line, validated.</summary>
    public JigSawOptions JigSaw()
    {
        var options = new JigSawOptions
        {
            Order = JigSawOptions.Orders.Get(Base), MaxSigma = SpbMaxSigma, Kappa = Kappa, Gamma = Gamma,
            DecisionIterations = DecisionIterations, RestartOverheadSeconds = RestartOverhead,
            MaxSigmaByModel = JigSawOptions.ParseMaxSigmaByModel(SpbMaxSigmaPerModel ?? ""),
            FullSyncPeriod = FullSyncPeriod,
        };
        options.Validate();
        return options;
    }

    /// <summary>The flag that names the policy or policies to run.</summary>
    private protected abstract string PolicyFlag { get; }

    /// <summary>
    /// The option of each setting the components name in their errors (the policy's is the command's).
    /// </summary>
    private static readonly Dictionary<string, string> OptionsBySetting = new(StringComparer.Ordinal)
    {
        ["cluster"] = "--cluster", ["round length"] = "--round", ["restart overhead"] = "--restart-overhead",
        ["batch-size dynamics"] = "--batch-sizes",
        ["Shockwave preset"] = "--preset", ["window"] = "--window", ["makespan weight"] = "--makespan-weight",
        ["lambda"] = "--lambda", ["time limit"] = "--time-limit", ["MIP gap"] = "--gap",
        ["base order"] = "--base", ["SPB max sigma"] = "--spb-max-sigma", ["kappa"] = "--kappa", ["gamma"] = "--gamma",
        ["decision interval"] = "--decision-iterations", ["SPB max sigma per model"] = "--spb-max-sigma-per-model",
        ["full-sync period"] = "--full-sync-period",
    };

    /// <inheritdoc/>
    public override string? OptionFor(string setting) =>
        setting == "policy" ? PolicyFlag : OptionsBySetting.GetValueOrDefault(setting);

    /// <summary>The cluster named by <c>--cluster</c>.</summary>
    public ClusterSpec ClusterSpec() => Scheduling.Simulation.ClusterSpec.Parse(Cluster);

    /// <summary>The round mechanics, validated.</summary>
    public SimulationOptions Options()
    {
        var options = new SimulationOptions
        {
            RoundSeconds = Round, RestartOverheadSeconds = RestartOverhead,
            BatchSizeDynamics = BatchSizes switch
            {
                "rules" => BatchSizeDynamics.Rules,
                "profile" => BatchSizeDynamics.Profile,
                _ => throw new BadInputException(
                    $"batch-size dynamics must be 'rules' or 'profile'; got '{BatchSizes}'", "batch-size dynamics"),
            },
        };
        options.Validate();
        return options;
    }

    /// <summary>The preset (named, or the one for the cluster's size) with the command line's overrides.</summary>
    public ShockwaveOptions Shockwave(ClusterSpec cluster) =>
        ShockwaveOptions.Choose(cluster.TotalGpus, Preset, new ShockwaveChanges(Window, K, Lambda, TimeLimit, Gap));

    /// <summary>Checks every setting up front, through the components' own validation.</summary>
    public override ValidationResult Validate()
    {
        var global = base.Validate();
        return global.Successful ? CheckedBy(ValidateSettings) : global;
    }

    /// <summary>Builds every option a run will need, so that each one's validation runs before the run.</summary>
    private void ValidateSettings()
    {
        Options();
        Shockwave(ClusterSpec());
        JigSaw();
        CheckPolicies();
    }

    /// <summary>Looks the policy names up, so that an unknown one fails before the run.</summary>
    private protected abstract void CheckPolicies();

    /// <summary>Loads the throughputs and the trace (the defaults when none is named).</summary>
    public (Sourced<IReadOnlyList<JobSpec>> Trace, Sourced<ThroughputTable> Throughputs) Load()
    {
        var throughputs = ScheduleInputs.Throughputs(Throughputs);
        return (ScheduleInputs.Trace(Trace, throughputs.Value, new SeedTree(Seed).Child("trace")), throughputs);
    }
}
