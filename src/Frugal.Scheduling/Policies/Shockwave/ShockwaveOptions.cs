using Frugal.Core.Catalogs;
using Frugal.Core.Errors;

namespace Frugal.Scheduling.Policies.Shockwave;

/// <summary>
/// Shockwave's parameters. The presets are the artifact's configurations per cluster size
/// (uw-mad-dash/shockwave scheduler/configurations); all share a 20-round window, ρmax = 1 and a
/// 1e-3 relative MIP gap. The reference gave Gurobi 15 s per solve on 24 threads.
/// </summary>
public sealed record ShockwaveOptions
{
    /// <summary>The longest window: Shockwave's programmes grow with jobs × rounds.</summary>
    public const int MaxWindowRounds = 1_000;

    /// <summary>The largest unfairness exponent: beyond it, the weight of a job heading past ρmax is the cap.</summary>
    public const double MaxLambda = 100;

    /// <summary>
    /// The largest makespan weight: 1,000 times the largest preset's. Beyond it the weight, times remaining
    /// times in seconds, pushes the programme's coefficients towards SCIP's infinity (1e20) and the solve fails.
    /// </summary>
    public const double MaxMakespanWeight = 1e8;

    /// <summary>The longest time limit per solve, in seconds (a day).</summary>
    public const double MaxTimeLimitSeconds = 86_400;

    /// <summary>Rounds planned ahead at each re-plan.</summary>
    public int WindowRounds { get; init; } = 20;

    /// <summary>
    /// Besides every change of the job set, the plan is re-solved at every round whose index is a multiple of
    /// this (the artifact's REOPT_ROUNDS, 8); 0 re-plans only on job-set changes and when the window runs out.
    /// </summary>
    public int ReplanEveryRounds { get; init; } = 8;

    /// <summary>Weight of the makespan regulariser (the longest predicted remaining time after the window).</summary>
    public double MakespanWeight { get; init; } = 1e-3;

    /// <summary>Exponent of the estimated ρ in the weights of the infeasible path.</summary>
    public double Lambda { get; init; } = 12;

    /// <summary>The finish-time-fairness bound the plan must keep: finish by ρmax × fair-share finish time.</summary>
    public double RhoMax { get; init; } = 1.0;

    /// <summary>The relative MIP gap at which a solve stops.</summary>
    public double RelativeGap { get; init; } = 1e-3;

    /// <summary>The time limit of each solve; the best plan found by then is used.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The artifact's preset for up to 32 GPUs.</summary>
    public static readonly ShockwaveOptions Tacc32 = new() { MakespanWeight = 1e-3, Lambda = 12 };

    /// <summary>The artifact's preset for up to 64 GPUs.</summary>
    public static readonly ShockwaveOptions Scale64 = new() { MakespanWeight = 10, Lambda = 5 };

    /// <summary>The artifact's preset for up to 128 GPUs.</summary>
    public static readonly ShockwaveOptions Scale128 = new() { MakespanWeight = 1e-3, Lambda = 15 };

    /// <summary>The artifact's preset for larger clusters.</summary>
    public static readonly ShockwaveOptions Scale256 = new() { MakespanWeight = 1e5, Lambda = 5 };

    /// <summary>The presets by name.</summary>
    public static Catalog<ShockwaveOptions> Presets { get; } = new Catalog<ShockwaveOptions>("Shockwave preset")
        .Add("tacc32", Tacc32, "up to 32 GPUs").Add("scale64", Scale64, "up to 64 GPUs")
        .Add("scale128", Scale128, "up to 128 GPUs").Add("scale256", Scale256, "more than 128 GPUs");

    /// <summary>
    /// The preset the artifact used for a cluster of this size: tacc32 up to 32 GPUs, then scale64, scale128, scale256.
    /// </summary>
    public static ShockwaveOptions ForCluster(int gpus) => gpus switch
    {
        <= 32 => Tacc32,
        <= 64 => Scale64,
        <= 128 => Scale128,
        _ => Scale256,
    };

    /// <summary>
    /// The options for a run: the preset named by <paramref name="preset"/> (or, when it is null,
    /// the one for a cluster of <paramref name="clusterGpus"/> GPUs) with <paramref name="changes"/> applied.
    /// </summary>
    /// <exception cref="BadInputException">An unknown preset or a setting out of range.</exception>
    public static ShockwaveOptions Choose(int clusterGpus, string? preset = null, ShockwaveChanges? changes = null)
    {
        var options = preset is null ? ForCluster(clusterGpus) : Presets.Get(preset);
        if (changes is not null)
        {
            if (changes.TimeLimitSeconds is { } seconds) CheckTimeLimit(seconds);
            options = options with
            {
                WindowRounds = changes.WindowRounds ?? options.WindowRounds,
                MakespanWeight = changes.MakespanWeight ?? options.MakespanWeight,
                Lambda = changes.Lambda ?? options.Lambda,
                TimeLimit = changes.TimeLimitSeconds is { } s ? TimeSpan.FromSeconds(s) : options.TimeLimit,
                RelativeGap = changes.RelativeGap ?? options.RelativeGap,
            };
        }
        options.Validate();
        return options;
    }

    /// <summary>Checks every setting against its range.</summary>
    /// <exception cref="BadInputException">
    /// A setting is out of range; <see cref="BadInputException.Setting"/> names it.
    /// </exception>
    public void Validate()
    {
        if (WindowRounds is < 1 or > MaxWindowRounds)
            throw new BadInputException(
                $"Shockwave's window must be from 1 to {MaxWindowRounds:N0} rounds; got {WindowRounds:N0}", "window");
        if (ReplanEveryRounds is < 0 or > MaxWindowRounds)
            throw new BadInputException(
                $"Shockwave's periodic re-plan interval must be from 0 (off) to {MaxWindowRounds:N0} rounds; "
                + $"got {ReplanEveryRounds:N0}", "re-plan interval");
        if (!(MakespanWeight is >= 0 and <= MaxMakespanWeight))
            throw new BadInputException(
                $"Shockwave's makespan weight k must be from 0 to {MaxMakespanWeight:G}; "
                + $"got {Invariant.Text(MakespanWeight)}", "makespan weight");
        if (!(Lambda is >= 0 and <= MaxLambda))
            throw new BadInputException(
                $"Shockwave's unfairness exponent λ must be from 0 to {MaxLambda:G}; got {Invariant.Text(Lambda)}",
                "lambda");
        if (!(RhoMax > 0) || double.IsInfinity(RhoMax))
            throw new BadInputException(
                $"Shockwave's ρmax must be a positive finite number; got {Invariant.Text(RhoMax)}", "rho max");
        if (!(RelativeGap is >= 0 and <= 1))
            throw new BadInputException(
                $"Shockwave's relative MIP gap must be from 0 to 1; got {Invariant.Text(RelativeGap)}", "MIP gap");
        CheckTimeLimit(TimeLimit.TotalSeconds);
    }

    private static void CheckTimeLimit(double seconds)
    {
        if (!(seconds is > 0 and <= MaxTimeLimitSeconds))
            throw new BadInputException(
                $"Shockwave's time limit per solve must be more than 0 and at most {MaxTimeLimitSeconds:N0} s; "
                + $"got {Invariant.Text(seconds)} s", "time limit");
    }
}

/// <summary>Settings of <see cref="ShockwaveOptions"/> a user changes from a preset; null keeps the preset's.</summary>
/// <param name="WindowRounds">Rounds planned ahead.</param>
/// <param name="MakespanWeight">Weight of the makespan regulariser (k).</param>
/// <param name="Lambda">Exponent of the unfairness weights (λ).</param>
/// <param name="TimeLimitSeconds">Time limit per solve, in seconds.</param>
/// <param name="RelativeGap">Relative MIP gap.</param>
public sealed record ShockwaveChanges(
    int? WindowRounds = null,
    double? MakespanWeight = null,
    double? Lambda = null,
    double? TimeLimitSeconds = null,
    double? RelativeGap = null);
