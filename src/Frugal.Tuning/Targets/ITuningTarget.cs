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
    /// Applies <paramref name="configuration"/> (knob name → value: <see cref="long"/> for integer knobs, <see cref="double"/>
    /// for real, <see cref="string"/> for categorical, <see cref="bool"/> for boolean), runs the workload and measures it.
    /// A configuration the system rejects (does not start, crashes, times out) is returned as a failed measurement,
    /// not thrown; the target is left ready for the next trial. Exceptions mean the target itself is unusable.
    /// </summary>
    TrialMeasurement Evaluate(IReadOnlyDictionary<string, object> configuration, CancellationToken cancellation);
}

/// <summary>What a target optimises: <paramref name="Metric"/> (one of <paramref name="Metrics"/>), maximised or minimised.</summary>
public sealed record TargetObjective(string Metric, bool Maximize, IReadOnlyList<string> Metrics);

/// <summary>The metrics of one trial, or why it failed.</summary>
public sealed record TrialMeasurement(IReadOnlyDictionary<string, double> Metrics, string? Failure)
{
    public bool Failed => Failure is not null;

    public static TrialMeasurement Succeeded(IReadOnlyDictionary<string, double> metrics) => new(metrics, null);

    public static TrialMeasurement FailedWith(string reason) => new(new Dictionary<string, double>(), reason);
}
