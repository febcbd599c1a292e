using Frugal.Tuning.Targets;

namespace Frugal.Tuning.Tests.Loop;

/// <summary>
/// A target whose metric is a function of the configuration (plus <c>noise</c>, given the run's number, when set); it
/// fails where <c>fails</c> says so and counts its applications and runs.
/// </summary>
internal sealed class FakeTarget(Func<IReadOnlyDictionary<string, object>, double> metric,
    Func<IReadOnlyDictionary<string, object>, bool>? fails = null, bool maximize = true,
    Func<int, double>? noise = null)
    : ITuningTarget
{
    private IReadOnlyDictionary<string, object>? _applied;

    /// <summary>How many configurations were applied (one per trial, re-measurement or verification round).</summary>
    public int Evaluations { get; private set; }

    /// <summary>How many measured runs there were in all.</summary>
    public int Runs { get; private set; }

    /// <summary>Every configuration applied, in order.</summary>
    public List<IReadOnlyDictionary<string, object>> Applied { get; } = [];

    /// <summary>Cancels the token source after this many evaluations (simulating an interruption).</summary>
    public (int After, CancellationTokenSource Source)? Interrupt { get; init; }

    public string Name => "fake";

    public TargetObjective Objective { get; } = maximize
        ? new("m", true, ["m", "latency"], Throughput: "m", Latencies: ["latency"])
        : new("m", false, ["m"]);

    public string? Apply(IReadOnlyDictionary<string, object> configuration, CancellationToken cancellation)
    {
        Evaluations++;
        Applied.Add(configuration);
        if (Interrupt is { } interrupt && Evaluations == interrupt.After) interrupt.Source.Cancel();
        if (fails?.Invoke(configuration) == true) return "fake crash";
        _applied = configuration;
        return null;
    }

    public TrialMeasurement Measure(CancellationToken cancellation)
    {
        var value = metric(_applied!) + (noise?.Invoke(Runs) ?? 0);
        Runs++;
        return TrialMeasurement.Succeeded(new Dictionary<string, double> { ["m"] = value, ["latency"] = 100 - value });
    }

    public void Dispose()
    {
    }
}
