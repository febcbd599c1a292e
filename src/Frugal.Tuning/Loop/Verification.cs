using Frugal.Core.Statistics;
using Frugal.Tuning.Targets;

namespace Frugal.Tuning.Loop;

/// <summary>
/// A re-measurement of a tuning run's best configuration against the default. The best of many noisy trials is biased
/// upwards (it won partly by luck), so a claimed improvement is only trusted once the two configurations are measured
/// again, alternately, so that slow drift of the machine hits both alike.
/// </summary>
/// <param name="Objective">The metric compared and its direction.</param>
/// <param name="Default">The default configuration's value in each round (NaN where it failed).</param>
/// <param name="Best">The best configuration's value in each round (NaN where it failed).</param>
public sealed record VerificationResult(TargetObjective Objective, double[] Default, double[] Best)
{
    public double MedianDefault => MedianOfMeasured(Default);

    public double MedianBest => MedianOfMeasured(Best);

    public int DefaultFailures => Default.Count(double.IsNaN);

    public int BestFailures => Best.Count(double.IsNaN);

    /// <summary>How much better the best configuration's median is than the default's, in per cent (positive = better).</summary>
    public double ImprovementPercent =>
        (Objective.Maximize ? MedianBest - MedianDefault : MedianDefault - MedianBest) / Math.Abs(MedianDefault) * 100;

    /// <summary>In how many rounds the best configuration beat the default measured just before it.</summary>
    public int RoundsWon => Default.Zip(Best).Count(p => Objective.Maximize ? p.Second > p.First : p.Second < p.First);

    private static double MedianOfMeasured(double[] values) =>
        values.Where(v => !double.IsNaN(v)).ToArray() is { Length: > 0 } measured ? Summary.Median(measured) : double.NaN;
}

/// <summary>Re-measures a tuning run's best configuration against its default on a fresh target.</summary>
public static class Verification
{
    /// <param name="target">The system, freshly created.</param>
    /// <param name="trials">The run's trials; trial 0 is the default.</param>
    /// <param name="rounds">How many times each configuration is measured (default, then best, per round).</param>
    /// <param name="roundDone">Hears the number of rounds done.</param>
    /// <param name="cancellation">Stops between measurements.</param>
    /// <exception cref="ArgumentException">The trials hold no default, or no configuration that did not fail.</exception>
    public static VerificationResult Run(ITuningTarget target, IReadOnlyList<TrialRecord> trials, int rounds, Action<int>? roundDone = null,
        CancellationToken cancellation = default)
    {
        if (rounds < 1) throw new ArgumentOutOfRangeException(nameof(rounds), rounds, "at least one round");
        var baseline = trials.FirstOrDefault(t => t.IsDefault) ?? throw new ArgumentException("the history holds no default trial (iteration 0)");
        var objective = target.Objective;
        var measured = trials.Where(t => !t.Failed).ToArray();
        if (measured.Length == 0) throw new ArgumentException("every trial of the history failed");
        var best = measured.Aggregate((a, b) => (objective.Maximize ? b.Value > a.Value : b.Value < a.Value) ? b : a);
        var defaults = new double[rounds];
        var bests = new double[rounds];
        for (var round = 0; round < rounds; round++)
        {
            defaults[round] = Measure(target, baseline.Configuration, objective, cancellation);
            bests[round] = Measure(target, best.Configuration, objective, cancellation);
            roundDone?.Invoke(round + 1);
        }
        return new VerificationResult(objective, defaults, bests);
    }

    private static double Measure(ITuningTarget target, IReadOnlyDictionary<string, object> configuration, TargetObjective objective, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var measurement = target.Evaluate(configuration, cancellation);
        return measurement.Failed ? double.NaN : measurement.Metrics[objective.Metric];
    }
}
