namespace Frugal.Tuning.Targets;

/// <summary>
/// A system whose configuration is tuned: it applies a configuration, runs its workload and reports metrics.
/// One instance serves one tuning run, trial after trial; disposing it releases everything it started.
/// </summary>
public interface ITuningTarget : IDisposable
{
    /// <summary>The name users pick it by (<c>--target</c>).</summary>
    string Name { get; }

    /// <summary>The metric the tuner optimises and every metric a trial reports.</summary>
    TargetObjective Objective { get; }

    /// <summary>
    /// Applies <paramref name="configuration"/> (knob name → value: <see cref="long"/> for integer knobs, <see
    /// cref="double"/>
    /// for real, <see cref="string"/> for categorical, <see cref="bool"/> for boolean), runs the workload and measures
    /// it.
    /// A configuration the system rejects (does not start, crashes, times out) is returned as a failed measurement,
    /// not thrown; the target is left ready for the next trial. Exceptions mean the target itself is unusable.
    /// </summary>
    TrialMeasurement Evaluate(IReadOnlyDictionary<string, object> configuration, CancellationToken cancellation);
}

/// <summary>
/// What a target optimises: <paramref name="Metric"/> (one of <paramref name="Metrics"/>), maximised or minimised.
/// </summary>
public sealed record TargetObjective(string Metric, bool Maximize, IReadOnlyList<string> Metrics);

/// <summary>The metrics of one trial, or why it failed.</summary>
public sealed record TrialMeasurement(IReadOnlyDictionary<string, double> Metrics, string? Failure)
{
    /// <summary>Whether the trial failed; <see cref="Failure"/> says why.</summary>
    public bool Failed => Failure is not null;

    /// <summary>A trial that completed, with its <paramref name="metrics"/> by name.</summary>
    public static TrialMeasurement Succeeded(IReadOnlyDictionary<string, double> metrics) => new(metrics, null);

    /// <summary>A trial that failed for <paramref name="reason"/> (the configuration crashed the target).</summary>
    public static TrialMeasurement FailedWith(string reason) => new(new Dictionary<string, double>(), reason);
}

/// <summary>
/// Workload settings a user may give any target (<c>tune run --workload --duration ...</c>); null keeps the target's
/// default. A target rejects a value it cannot honour with a <see cref="Frugal.Core.Errors.BadInputException"/> whose
/// <see cref="Frugal.Core.Errors.BadInputException.Setting"/> is the setting's name below (<see
/// cref="WorkloadSetting"/>, ...).
/// </summary>
/// <param name="Workload">Which workload (postgres: <c>tpcb</c> or <c>select</c>; kv: a YCSB letter; synthetic: a
/// function name).</param>
/// <param name="DurationSeconds">Length of one measured run.</param>
/// <param name="WarmupSeconds">Length of the discarded warm-up before the measured runs.</param>
/// <param name="Repeats">Measured runs per trial; the trial reports their median.</param>
/// <param name="Clients">Concurrent clients or threads driving the workload.</param>
/// <param name="Scale">Data-set size (postgres: pgbench scale factor; kv: thousands of records).</param>
/// <param name="WorkingDirectory">Where the target may create its data (a fresh temporary folder when null).</param>
public sealed record TargetOptions(
    string? Workload = null,
    double? DurationSeconds = null,
    double? WarmupSeconds = null,
    int? Repeats = null,
    int? Clients = null,
    int? Scale = null,
    string? WorkingDirectory = null)
{
    /// <summary>The name errors give <see cref="Workload"/>.</summary>
    public const string WorkloadSetting = "workload";

    /// <summary>The name errors give <see cref="DurationSeconds"/>.</summary>
    public const string DurationSetting = "duration";

    /// <summary>The name errors give <see cref="WarmupSeconds"/>.</summary>
    public const string WarmupSetting = "warm-up";

    /// <summary>The name errors give <see cref="Repeats"/>.</summary>
    public const string RepeatsSetting = "repeats";

    /// <summary>The name errors give <see cref="Clients"/>.</summary>
    public const string ClientsSetting = "clients";

    /// <summary>The name errors give <see cref="Scale"/>.</summary>
    public const string ScaleSetting = "scale";
}
