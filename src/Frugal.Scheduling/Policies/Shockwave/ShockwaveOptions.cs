namespace Frugal.Scheduling.Policies.Shockwave;

/// <summary>
/// Shockwave's parameters. The presets are the artifact's configurations per cluster size
/// (uw-mad-dash/shockwave scheduler/configurations); all share a 20-round window, ρmax = 1 and a
/// 1e-3 relative MIP gap. The reference gave Gurobi 15 s per solve on 24 threads.
/// </summary>
public sealed record ShockwaveOptions
{
    /// <summary>Rounds planned ahead at each re-plan.</summary>
    public int WindowRounds { get; init; } = 20;

    /// <summary>Weight of the makespan regulariser (the longest predicted remaining time after the window).</summary>
    public double MakespanWeight { get; init; } = 1e-3;

    /// <summary>Exponent of the estimated ρ in the weights of the infeasible path.</summary>
    public double Lambda { get; init; } = 12;

    /// <summary>The finish-time-fairness bound the plan must keep: finish by ρmax × fair-share finish time.</summary>
    public double RhoMax { get; init; } = 1.0;

    public double RelativeGap { get; init; } = 1e-3;

    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(15);

    public static readonly ShockwaveOptions Tacc32 = new() { MakespanWeight = 1e-3, Lambda = 12 };
    public static readonly ShockwaveOptions Scale64 = new() { MakespanWeight = 10, Lambda = 5 };
    public static readonly ShockwaveOptions Scale128 = new() { MakespanWeight = 1e-3, Lambda = 15 };
    public static readonly ShockwaveOptions Scale256 = new() { MakespanWeight = 1e5, Lambda = 5 };

    public static IReadOnlyDictionary<string, ShockwaveOptions> Presets { get; } = new Dictionary<string, ShockwaveOptions>
    {
        ["tacc32"] = Tacc32, ["scale64"] = Scale64, ["scale128"] = Scale128, ["scale256"] = Scale256,
    };

    /// <summary>The preset the artifact used for a cluster of this size: tacc32 up to 32 GPUs, then scale64, scale128, scale256.</summary>
    public static ShockwaveOptions ForCluster(int gpus) => gpus switch
    {
        <= 32 => Tacc32,
        <= 64 => Scale64,
        <= 128 => Scale128,
        _ => Scale256,
    };

    /// <exception cref="ArgumentException">Unknown preset; the message lists the known ones.</exception>
    public static ShockwaveOptions Preset(string name) =>
        Presets.TryGetValue(name, out var preset)
            ? preset
            : throw new ArgumentException($"unknown Shockwave preset '{name}'; known: {string.Join(", ", Presets.Keys)}");

    public void Validate()
    {
        if (WindowRounds < 1) throw new ArgumentOutOfRangeException(nameof(WindowRounds), WindowRounds, "the window needs at least one round.");
        if (!(MakespanWeight >= 0)) throw new ArgumentOutOfRangeException(nameof(MakespanWeight), MakespanWeight, "k must be at least 0.");
        if (!(Lambda >= 0)) throw new ArgumentOutOfRangeException(nameof(Lambda), Lambda, "lambda must be at least 0.");
        if (!(RhoMax > 0)) throw new ArgumentOutOfRangeException(nameof(RhoMax), RhoMax, "rho max must be positive.");
        if (!(RelativeGap >= 0)) throw new ArgumentOutOfRangeException(nameof(RelativeGap), RelativeGap, "the MIP gap must be at least 0.");
        if (TimeLimit <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(TimeLimit), TimeLimit, "the time limit must be positive.");
    }
}
