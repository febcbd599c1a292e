using System.Text.Json;
using Frugal.Core.Errors;
using Frugal.Core.Results;
using Frugal.Core.Statistics;
using Frugal.Tuning.Targets;

namespace Frugal.Tuning.Loop;

/// <summary>
/// A re-measurement of a tuning run's best configuration against the default. The best of many noisy trials is biased
/// upwards (it won partly by luck), so a claimed improvement is only trusted once the two configurations are measured
/// again, alternately, so that slow drift of the machine hits both alike.
/// </summary>
/// <param name="History">The history whose run was verified (null for a run kept in memory).</param>
/// <param name="Objective">The metric compared and its direction.</param>
/// <param name="Default">The default configuration's value in each round (NaN where it failed).</param>
/// <param name="Best">The best configuration's value in each round (NaN where it failed).</param>
public sealed record VerificationResult(string? History, TargetObjective Objective, double[] Default, double[] Best)
{
    /// <summary>The median of the default's measured rounds (NaN when every one failed).</summary>
    public double MedianDefault => MedianOfMeasured(Default);

    /// <summary>The median of the best configuration's measured rounds (NaN when every one failed).</summary>
    public double MedianBest => MedianOfMeasured(Best);

    /// <summary>In how many rounds the default failed.</summary>
    public int DefaultFailures => Default.Count(double.IsNaN);

    /// <summary>In how many rounds the best configuration failed.</summary>
    public int BestFailures => Best.Count(double.IsNaN);

    /// <summary>
    /// How much better the best configuration's median is than the default's, in per cent (positive = better).
    /// </summary>
    public double ImprovementPercent =>
        (Objective.Maximize ? MedianBest - MedianDefault : MedianDefault - MedianBest) / Math.Abs(MedianDefault) * 100;

    /// <summary>In how many rounds the best configuration beat the default measured just before it.</summary>
    public int RoundsWon => Default.Zip(Best).Count(p => Objective.Maximize ? p.Second > p.First : p.Second < p.First);

    /// <summary>
    /// The verification as JSON (<see cref="ResultJson.Options"/>): every round's values and the medians, a failed
    /// measurement (or a median of none) as null.
    /// </summary>
    public string ToJson() => JsonSerializer.Serialize(new VerificationJson(
        History, Objective.Metric, Objective.Maximize, Default.Length, [.. Default.Select(NullIfFailed)],
        [.. Best.Select(NullIfFailed)], NullIfFailed(MedianDefault), NullIfFailed(MedianBest),
        NullIfFailed(ImprovementPercent), RoundsWon, DefaultFailures, BestFailures), ResultJson.Options);

    private static double? NullIfFailed(double value) => double.IsNaN(value) ? null : value;

    private static double MedianOfMeasured(double[] values) =>
        values.Where(v => !double.IsNaN(v)).ToArray() is { Length: > 0 } measured ? Summary.Median(measured)
            : double.NaN;

    private sealed record VerificationJson(
        string? History, string Metric, bool Maximize, int Rounds, double?[] Default, double?[] Best,
        double? MedianDefault, double? MedianBest, double? ImprovementPercent, int RoundsWon, int DefaultFailures,
        int BestFailures);
}

/// <summary>
/// One round of a verification as a tuning history records it, so that a resumed run keeps the rounds it measured
/// instead of measuring them again.
/// </summary>
/// <param name="Round">The round's number, from 0.</param>
/// <param name="Of">The trial verified (the run's best when the round was measured).</param>
/// <param name="Default">The default configuration's value (NaN where it failed).</param>
/// <param name="Best">The best configuration's value (NaN where it failed).</param>
/// <param name="Finished">When the round ended.</param>
public sealed record VerificationRound(int Round, int Of, double Default, double Best, DateTimeOffset Finished);

/// <summary>Re-measures a tuning run's best configuration against its default.</summary>
public static class Verification
{
    /// <summary>Verifies a recorded run on a fresh target (<c>tune verify</c>).</summary>
    /// <param name="target">The system, freshly created.</param>
    /// <param name="run">The run's history (see <see cref="TuningHistory.Load"/>); its trial 0 is the default.</param>
    /// <param name="rounds">How many times each configuration is measured (default, then best, per round).</param>
    /// <param name="repeats">Measured runs per measurement (their median counts).</param>
    /// <param name="roundDone">Hears the number of rounds done.</param>
    /// <param name="cancellation">Stops between measurements.</param>
    /// <exception cref="BadInputException">The history holds no trial yet.</exception>
    public static VerificationResult Run(
        ITuningTarget target, RecordedRun run, int rounds, int repeats = 1, Action<int>? roundDone = null,
        CancellationToken cancellation = default)
    {
        // A read history's first trial is the default, and the default never failed (see TuningHistory).
        if (run.Trials.Count == 0) throw new BadInputException($"history '{run.Path}' holds no trial yet");
        var objective = target.Objective.For(run.Identity.Objective);
        var best = Estimator.Best(run.Trials, run.Remeasurements, objective.Maximize);
        return Alternate(target, objective, run.Trials[0].Configuration, best.Configuration, rounds, repeats, run.Path,
            roundDone: (round, _, _) => roundDone?.Invoke(round + 1), cancellation: cancellation);
    }

    /// <summary>
    /// Measures <paramref name="baseline"/> then <paramref name="best"/>, <paramref name="rounds"/> times, so that
    /// slow drift of the machine hits both alike; the first rounds come from <paramref name="recorded"/> (default and
    /// best values of rounds measured before) when given, and only the rest are measured; <c>roundDone</c> hears each
    /// round measured here: its number (from 0) and the two values.
    /// </summary>
    public static VerificationResult Alternate(ITuningTarget target, TargetObjective objective,
        IReadOnlyDictionary<string, object> baseline, IReadOnlyDictionary<string, object> best, int rounds,
        int repeats, string? history, IReadOnlyList<(double Default, double Best)>? recorded = null,
        Action<int, double, double>? roundDone = null, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        var defaults = new double[rounds];
        var bests = new double[rounds];
        for (var round = 0; round < rounds; round++)
        {
            if (recorded is not null && round < recorded.Count)
            {
                (defaults[round], bests[round]) = recorded[round];
                continue;
            }
            defaults[round] = Measure(target, baseline, objective, repeats, cancellation);
            bests[round] = Measure(target, best, objective, repeats, cancellation);
            roundDone?.Invoke(round, defaults[round], bests[round]);
        }
        return new VerificationResult(history, objective, defaults, bests);
    }

    private static double Measure(ITuningTarget target, IReadOnlyDictionary<string, object> configuration,
        TargetObjective objective, int repeats, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var measurement = target.Evaluate(configuration, cancellation, repeats);
        return measurement.Failed ? double.NaN : measurement.Metrics[objective.Metric];
    }
}
