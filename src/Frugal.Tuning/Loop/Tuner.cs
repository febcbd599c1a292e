using System.Diagnostics;
using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Tuning.Adapters;
using Frugal.Tuning.Optimizers;
using Frugal.Tuning.Spaces;
using Frugal.Tuning.Targets;

namespace Frugal.Tuning.Loop;

/// <summary>What one tuning run is: the space, the method, how many trials after the default, and the seed.</summary>
/// <param name="TargetName">The target's name.</param>
/// <param name="Space">The knobs searched.</param>
/// <param name="Method">The optimiser and its adapters.</param>
/// <param name="Iterations">Trials after the default's.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Protocol">How each configuration is measured (default: one run, nothing re-measured).</param>
/// <param name="Metric">The metric optimised when not the target's own (a latency: latency mode).</param>
public sealed record TuningPlan(string TargetName, SearchSpace Space, TuningMethod Method, int Iterations, ulong Seed,
    MeasurementProtocol? Protocol = null, string? Metric = null)
{
    /// <summary>The protocol in force.</summary>
    public MeasurementProtocol Measuring => Protocol ?? MeasurementProtocol.Single;

    /// <summary>What this run optimises on <paramref name="target"/>.</summary>
    /// <exception cref="BadInputException">The target cannot optimise <see cref="Metric"/>.</exception>
    public TargetObjective ObjectiveOn(ITuningTarget target) => target.Objective.For(Metric);

    /// <summary>What a history of this run records about it, so that another run cannot resume it.</summary>
    public RunIdentity Identity(TargetObjective objective) =>
        new(TargetName, Space.Name, Space.Fingerprint(), Method.Describe(),
            Seed.ToString(System.Globalization.CultureInfo.InvariantCulture), objective.Metric, objective.Maximize);

    /// <summary>The knobs a configuration sets away from their defaults, as <c>name=value</c> text.</summary>
    public string ChangedKnobs(IReadOnlyDictionary<string, object> configuration) =>
        string.Join(" ", Space.Knobs.Where(k => !Equals(k.Default, configuration[k.Name]))
            .Select(k => $"{k.Name}={Frugal.Core.Results.Format.Parameter(configuration[k.Name])}"));
}

/// <summary>
/// A finished (or resumed-and-finished) run: every trial, the incumbent's re-measurements, the baseline and the best,
/// and the final verification of the best against the default when the protocol asks for one.
/// </summary>
public sealed record TuningOutcome(TuningPlan Plan, TargetObjective Objective, IReadOnlyList<TrialRecord> Trials,
    IReadOnlyList<Remeasurement> Remeasurements, VerificationResult? Verification = null)
{
    /// <summary>The baseline: the trial of the space's default configuration (iteration 0).</summary>
    public TrialRecord Default => Trials[0];

    /// <summary>
    /// The best successful trial by <see cref="Estimate"/> (the default when nothing beat it).
    /// </summary>
    public TrialRecord Best => Estimator.Best(Trials, Remeasurements, Objective.Maximize);

    /// <summary>
    /// What a trial's configuration is worth on everything measured of it: the median of its runs pooled with the
    /// runs of its successful re-measurements (its recorded value when it has neither).
    /// </summary>
    public double Estimate(TrialRecord trial) => Estimator.Estimate(trial, Remeasurements);

    /// <summary>How much better the best is than the default, in percent of the default (by estimates).</summary>
    public double ImprovementPercent
    {
        get
        {
            var (best, baseline) = (Estimate(Best), Estimate(Default));
            return (Objective.Maximize ? best - baseline : baseline - best) / Math.Abs(baseline) * 100;
        }
    }

    /// <summary>
    /// The best estimate after each trial (failures never improve it); a trial counts with everything measured of it
    /// by the end of the run, so a lucky run stops counting once it was re-measured.
    /// </summary>
    public double[] BestSoFar() =>
        Comparison.Curves.BestSoFar(Trials, Objective.Maximize, Estimate);
}

/// <summary>The pooled estimate of a trial's configuration (see <see cref="TuningOutcome.Estimate"/>).</summary>
internal static class Estimator
{
    public static double Estimate(TrialRecord trial, IReadOnlyList<Remeasurement> remeasurements)
    {
        var pooled = trial.Runs.Concat(remeasurements.Where(r => r.Of == trial.Iteration && !r.Failed)
            .SelectMany(r => r.Runs)).ToArray();
        return trial.Failed || pooled.Length == 0 ? trial.Value : Frugal.Core.Statistics.Summary.Median(pooled);
    }

    /// <summary>The successful trial with the best estimate (the default when nothing beat it).</summary>
    public static TrialRecord Best(IReadOnlyList<TrialRecord> trials, IReadOnlyList<Remeasurement> remeasurements,
        bool maximize) =>
        trials.Where(t => !t.Failed).Aggregate((a, b) =>
        {
            var (vb, va) = (Estimate(b, remeasurements), Estimate(a, remeasurements));
            return (maximize ? vb > va : vb < va) ? b : a;
        });
}

/// <summary>
/// The tuning loop: evaluates the default configuration (iteration 0, the baseline), then asks the optimiser for a
/// point, decodes it through the space adapter, measures it on the target by the plan's protocol and tells the
/// optimiser the outcome, trial after trial; every <see cref="MeasurementProtocol.RemeasureEvery"/> trials it measures
/// the incumbent again and tells the optimiser that too. Every trial and re-measurement is appended to the history as
/// it completes; a resumed run replays the history into a freshly seeded adapter and optimiser (so they reach the very
/// state the interrupted run had) and carries on. At the end the best is verified against the default, alternately,
/// when the protocol asks for it; each round goes to the history too, so a resumed run measures only the rounds it
/// lacks (a run resumed with more seeds or methods beside it does not verify its finished best again).
/// </summary>
public static class Tuner
{
    /// <param name="target">The system tuned.</param>
    /// <param name="plan">The run.</param>
    /// <param name="history">Where trials go; when it holds trials already they are replayed, not re-evaluated.</param>
    /// <param name="trialDone">Hears about each trial as it completes (progress display).</param>
    /// <param name="cancellation">Stops the run between trials; completed trials stay in the history.</param>
    /// <exception cref="BadInputException">A setting does not fit the space, the default configuration failed (there is
    /// no baseline; nothing is recorded), or the history does not match the replay.</exception>
    public static TuningOutcome Run(ITuningTarget target, TuningPlan plan, TuningHistory? history = null,
        Action<TrialRecord>? trialDone = null,
        CancellationToken cancellation = default)
    {
        var protocol = plan.Measuring.Checked();
        var objective = plan.ObjectiveOn(target);
        var seeds = new SeedTree(plan.Seed);
        var adapter = plan.Method.CreateAdapter(plan.Space, seeds.Child("adapter"));
        var optimizer = OptimizerCatalog.Create(plan.Method.Optimizer, adapter.Dimensions, seeds.Stream("optimizer"));
        var sign = objective.Maximize ? -1.0 : 1.0;
        var trials = new List<TrialRecord>();
        var remeasurements = new List<Remeasurement>();
        FailureScore? failures = null;
        var measure = new TrialMeasurer(target, objective, protocol.Repeats);

        var recorded = history?.Completed ?? [];
        var recordedRemeasurements = history?.Remeasurements ?? [];
        for (var iteration = 0; iteration <= plan.Iterations; iteration++)
        {
            cancellation.ThrowIfCancellationRequested();
            double[]? point;
            IReadOnlyDictionary<string, object> configuration;
            if (iteration == 0)
            {
                configuration = plan.Space.DefaultConfiguration();
                point = adapter.Encode(configuration);
            }
            else
            {
                point = optimizer.Suggest();
                configuration = adapter.Decode(point);
            }

            TrialRecord trial;
            if (iteration < recorded.Count)
            {
                trial = recorded[iteration];
                if (!SamePoint(trial.Point, point))
                    throw new BadInputException(
                        $"history '{history!.Path}': line {iteration + 2} (iteration {iteration}) does not match " +
                        "the replayed run (made by another version?); start a new history");
            }
            else
            {
                trial = measure.Trial(configuration, point, iteration, failures, trials.FirstOrDefault(),
                    cancellation);
                if (iteration == 0 && trial.Failed)
                    throw new BadInputException(
                        $"the default configuration failed on target '{plan.TargetName}' ({trial.Failure}); " +
                        "a run needs a working default as its baseline");
                history?.Append(trial);
                trialDone?.Invoke(trial);
            }

            if (iteration == 0) failures = new FailureScore(trial.Value, objective.Maximize);
            if (!trial.Failed) failures!.Saw(trial.Value);
            if (point is not null) optimizer.Observe(point, new Observation(sign * trial.Value, [], trial.Failed));
            trials.Add(trial);

            if (protocol.RemeasureEvery > 0 && iteration > 0 && iteration % protocol.RemeasureEvery == 0)
            {
                var incumbent = new TuningOutcome(plan, objective, trials, remeasurements).Best;
                Remeasurement again;
                if (remeasurements.Count < recordedRemeasurements.Count)
                {
                    again = recordedRemeasurements[remeasurements.Count];
                    if (again.After != iteration || again.Of != incumbent.Iteration)
                        throw new BadInputException(
                            $"history '{history!.Path}': the re-measurement after iteration {iteration} does not " +
                            "match the replayed run (made by another version?); start a new history");
                }
                else
                {
                    again = measure.Again(incumbent, iteration, cancellation);
                    history?.Append(again);
                }
                remeasurements.Add(again);
                if (incumbent.Point is not null && !again.Failed)
                    optimizer.Observe(incumbent.Point, new Observation(sign * again.Value, [], false));
            }
        }
        var outcome = new TuningOutcome(plan, objective, trials, remeasurements);
        if (protocol.VerifyRounds == 0) return outcome;
        var best = outcome.Best;
        var verification = Verification.Alternate(target, objective, outcome.Default.Configuration,
            best.Configuration, protocol.VerifyRounds, protocol.Repeats, history?.Path,
            RecordedRounds(history, best.Iteration),
            (round, baseline, value) =>
                history?.Append(new VerificationRound(round, best.Iteration, baseline, value, DateTimeOffset.UtcNow)),
            cancellation);
        return outcome with { Verification = verification };
    }

    /// <summary>
    /// The verification rounds a resumed run measured before, when they verified the same best trial (the history
    /// keeps only its last verification, all of one trial, and only when no trial follows it).
    /// </summary>
    private static (double Default, double Best)[] RecordedRounds(TuningHistory? history, int best) =>
        history?.Verifications is { Count: > 0 } rounds && rounds[0].Of == best
            ? [.. rounds.Select(r => (r.Default, r.Best))]
            : [];

    private static bool SamePoint(double[]? recorded, double[]? replayed) =>
        recorded is null ? replayed is null : replayed is not null && recorded.Length == replayed.Length
            && recorded.Zip(replayed).All(p => Math.Abs(p.First - p.Second) <= 1e-12 * Math.Max(1, Math.Abs(p.First)));

    /// <summary>Measures trials and re-measurements by the protocol, with the latency-mode rule.</summary>
    private sealed class TrialMeasurer(ITuningTarget target, TargetObjective objective, int repeats)
    {
        public TrialRecord Trial(IReadOnlyDictionary<string, object> configuration, double[]? point, int iteration,
            FailureScore? failures, TrialRecord? baseline, CancellationToken cancellation)
        {
            var clock = Stopwatch.StartNew();
            var measurement = target.Evaluate(configuration, cancellation, repeats);
            cancellation.ThrowIfCancellationRequested();
            var failure = Failure(measurement, baseline);
            var value = failure is null ? measurement.Metrics[objective.Metric] : failures?.Worst ?? double.NaN;
            return new TrialRecord(iteration, configuration, point, measurement.Metrics, value, failure,
                clock.Elapsed.TotalSeconds, DateTimeOffset.UtcNow)
            {
                Runs = failure is null ? measurement.Runs : [],
            };
        }

        public Remeasurement Again(TrialRecord incumbent, int after, CancellationToken cancellation)
        {
            var clock = Stopwatch.StartNew();
            var measurement = target.Evaluate(incumbent.Configuration, cancellation, repeats);
            cancellation.ThrowIfCancellationRequested();
            var failure = Failure(measurement, null);
            return new Remeasurement(after, incumbent.Iteration, failure is null ? measurement.Runs : [],
                failure is null ? measurement.Metrics[objective.Metric] : double.NaN, failure,
                clock.Elapsed.TotalSeconds, DateTimeOffset.UtcNow);
        }

        /// <summary>
        /// Why a measurement counts as failed: the target's reason, a missing objective, or — in latency mode — a
        /// throughput below the default's (<paramref name="baseline"/>), which the paper counts as a failure.
        /// </summary>
        private string? Failure(TrialMeasurement measurement, TrialRecord? baseline)
        {
            if (measurement.Failure is { } reason) return reason;
            if (!measurement.Metrics.ContainsKey(objective.Metric))
                return $"the target reported no '{objective.Metric}'";
            if (objective.LatencyMode && baseline is not null
                && measurement.Metrics.TryGetValue(objective.Throughput!, out var throughput)
                && baseline.Metrics.TryGetValue(objective.Throughput!, out var floor) && throughput < floor)
                return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{objective.Throughput} {throughput:G4} below the default's {floor:G4} (latency mode)");
            return null;
        }
    }
}
