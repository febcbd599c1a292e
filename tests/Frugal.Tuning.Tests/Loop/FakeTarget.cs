using Frugal.Tuning.Targets;

namespace Frugal.Tuning.Tests.Loop;

/// <summary>
/// A target whose metric is a function of the configuration; it fails where <c>fails</c> says so and counts its
/// evaluations.
/// </summary>
internal sealed class FakeTarget(Func<IReadOnlyDictionary<string, object>, double> metric,
    Func<IReadOnlyDictionary<string, object>, bool>? fails = null, bool maximize = true)
    : ITuningTarget
{
    public int Evaluations { get; private set; }

    /// <summary>Cancels the token source after this many evaluations (simulating an interruption).</summary>
    public (int After, CancellationTokenSource Source)? Interrupt { get; init; }

    public string Name => "fake";

    public TargetObjective Objective { get; } = new("m", maximize, ["m"]);

    public TrialMeasurement Evaluate(IReadOnlyDictionary<string, object> configuration, CancellationToken cancellation)
    {
        Evaluations++;
        if (Interrupt is { } interrupt && Evaluations == interrupt.After) interrupt.Source.Cancel();
        if (fails?.Invoke(configuration) == true) return TrialMeasurement.FailedWith("fake crash");
        return TrialMeasurement.Succeeded(new Dictionary<string, double> { ["m"] = metric(configuration) });
    }

    public void Dispose()
    {
    }
}
