namespace Frugal.Tuning.Loop;

/// <summary>
/// One evaluated configuration. <see cref="Value"/> is the objective metric the optimiser was told: the measured one,
/// or
/// for a failed trial the worst seen so far (<see cref="FailureScore"/>). <see cref="Point"/> is the optimiser's box
/// point (low-dimensional under a projection); null for the default configuration when the box cannot express it.
/// </summary>
public sealed record TrialRecord(
    int Iteration,
    IReadOnlyDictionary<string, object> Configuration,
    double[]? Point,
    IReadOnlyDictionary<string, double> Metrics,
    double Value,
    string? Failure,
    double Seconds,
    DateTimeOffset Finished)
{
    /// <summary>Whether the target failed on this configuration; <see cref="Failure"/> says why.</summary>
    public bool Failed => Failure is not null;

    /// <summary>Iteration 0 evaluates the space's default configuration: the baseline.</summary>
    public bool IsDefault => Iteration == 0;
}
