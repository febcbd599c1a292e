using Frugal.Core.Errors;

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
    /// Puts <paramref name="configuration"/> in place (knob name → value: <see cref="long"/> for integer knobs,
    /// <see cref="double"/> for real, <see cref="string"/> for categorical, <see cref="bool"/> for boolean),
    /// restarting or reloading the system as the changed knobs need, and runs the discarded warm-up. Returns null, or
    /// why the system refused the configuration (it did not start, rejected a value: the system's own message, naming
    /// the knob and value where it can); then the last configuration that worked has been put back. Exceptions mean
    /// the target itself is unusable.
    /// </summary>
    string? Apply(IReadOnlyDictionary<string, object> configuration, CancellationToken cancellation);

    /// <summary>
    /// One measured run of the workload under the configuration last applied. A run that fails (crash, timeout) is a
    /// failed measurement, not thrown, and the target has put the last configuration that worked back.
    /// </summary>
    TrialMeasurement Measure(CancellationToken cancellation);
}

/// <summary>
/// What a target optimises: <paramref name="Metric"/> (one of <paramref name="Metrics"/>), maximised or minimised.
/// </summary>
/// <param name="Metric">The metric optimised.</param>
/// <param name="Maximize">Whether higher is better.</param>
/// <param name="Metrics">Every metric a trial reports.</param>
/// <param name="Throughput">The throughput metric, if the target reports one: in latency mode a trial whose
/// throughput falls below the default's counts as failed (LlamaTune's rule), so a "fast" configuration cannot win by
/// doing less work.</param>
/// <param name="Latencies">The metrics that may be minimised instead (<see cref="For"/>).</param>
public sealed record TargetObjective(string Metric, bool Maximize, IReadOnlyList<string> Metrics,
    string? Throughput = null, IReadOnlyList<string>? Latencies = null)
{
    /// <summary>The name errors give the objective metric.</summary>
    public const string Setting = "objective";

    /// <summary>Whether this is latency mode: a latency minimised with the throughput floor.</summary>
    public bool LatencyMode => !Maximize && Throughput is not null && Metric != Throughput;

    /// <summary>
    /// This objective, or the same target optimising <paramref name="metric"/> instead: one of
    /// <see cref="Latencies"/>, minimised.
    /// </summary>
    /// <exception cref="BadInputException">The target cannot optimise that metric.</exception>
    public TargetObjective For(string? metric)
    {
        if (metric is null || metric == Metric) return this;
        if (Latencies?.Contains(metric) == true) return this with { Metric = metric, Maximize = false };
        var known = string.Join(", ", new[] { Metric }.Concat(Latencies ?? []));
        throw new BadInputException($"'{metric}' is not an objective of this target (known: {known})", Setting);
    }
}

/// <summary>The metrics of one run or one trial (the median of its runs), or why it failed.</summary>
public sealed record TrialMeasurement(IReadOnlyDictionary<string, double> Metrics, string? Failure)
{
    /// <summary>For a trial: the objective's value in each of its measured runs (empty for a single run).</summary>
    public IReadOnlyList<double> Runs { get; init; } = [];

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
/// <param name="Clients">Concurrent clients or threads driving the workload.</param>
/// <param name="Scale">Data-set size (postgres: pgbench scale factor; kv: thousands of records).</param>
/// <param name="WorkingDirectory">Where the target may create its data (a fresh temporary folder when null).</param>
/// <param name="Host">The machine whose memory and cores bound the space's host-scaled knob ranges (null: this one). A
/// history is resumed only in the space it was made in, so a run made on a machine that reported another memory size
/// (a virtual machine's total moves by kilobytes between boots) is resumed with that machine's resources.</param>
public sealed record TargetOptions(
    string? Workload = null,
    double? DurationSeconds = null,
    double? WarmupSeconds = null,
    int? Clients = null,
    int? Scale = null,
    string? WorkingDirectory = null,
    Spaces.HostResources? Host = null)
{
    /// <summary>The name errors give <see cref="Workload"/>.</summary>
    public const string WorkloadSetting = "workload";

    /// <summary>The name errors give <see cref="DurationSeconds"/>.</summary>
    public const string DurationSetting = "duration";

    /// <summary>The name errors give <see cref="WarmupSeconds"/>.</summary>
    public const string WarmupSetting = "warm-up";

    /// <summary>The name errors give <see cref="Clients"/>.</summary>
    public const string ClientsSetting = "clients";

    /// <summary>The name errors give <see cref="Scale"/>.</summary>
    public const string ScaleSetting = "scale";
}
