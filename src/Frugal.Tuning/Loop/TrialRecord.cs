using Frugal.Tuning.Targets;

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

    /// <summary>
    /// The objective in each measured run (<see cref="Value"/> is their median); empty when it failed.
    /// </summary>
    public IReadOnlyList<double> Runs { get; init; } = [];

    /// <summary>The spread of <see cref="Runs"/>: their coefficient of variation (0 for a single run).</summary>
    public double Noise => TargetMeasuring.CoefficientOfVariation(Runs);
}

/// <summary>
/// The incumbent measured again during a run (<see cref="MeasurementProtocol.RemeasureEvery"/>): after trial
/// <paramref name="After"/>, the configuration of trial <paramref name="Of"/> gave <paramref name="Runs"/>.
/// </summary>
/// <param name="After">The trial after which it was measured.</param>
/// <param name="Of">The trial whose configuration was measured again.</param>
/// <param name="Runs">The objective in each run; empty when it failed.</param>
/// <param name="Value">Their median (NaN when it failed).</param>
/// <param name="Failure">Why it failed, or null.</param>
/// <param name="Seconds">How long it took.</param>
/// <param name="Finished">When it completed.</param>
public sealed record Remeasurement(int After, int Of, IReadOnlyList<double> Runs, double Value, string? Failure,
    double Seconds, DateTimeOffset Finished)
{
    /// <summary>Whether the re-measurement failed.</summary>
    public bool Failed => Failure is not null;
}
