using System.Diagnostics;
using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Tuning.Adapters;
using Frugal.Tuning.Optimizers;
using Frugal.Tuning.Spaces;
using Frugal.Tuning.Targets;

namespace Frugal.Tuning.Loop;

/// <summary>What one tuning run is: the space, the method, how many trials after the default, and the seed.</summary>
public sealed record TuningPlan(string TargetName, SearchSpace Space, TuningMethod Method, int Iterations, ulong Seed)
{
    /// <summary>What a history of this run records about it, so that another run cannot resume it.</summary>
    public RunIdentity Identity(TargetObjective objective) =>
        new(TargetName, Space.Name, Space.Fingerprint(), Method.Describe(),
            Seed.ToString(System.Globalization.CultureInfo.InvariantCulture), objective.Metric, objective.Maximize);

    /// <summary>The knobs a configuration sets away from their defaults, as <c>name=value</c> text.</summary>
    public string ChangedKnobs(IReadOnlyDictionary<string, object> configuration) =>
        string.Join(" ", Space.Knobs.Where(k => !Equals(k.Default, configuration[k.Name]))
            .Select(k => $"{k.Name}={Frugal.Core.Results.Format.Parameter(configuration[k.Name])}"));
}

/// <summary>A finished (or resumed-and-finished) run: every trial, the baseline and the best.</summary>
public sealed record TuningOutcome(TuningPlan Plan, TargetObjective Objective, IReadOnlyList<TrialRecord> Trials)
{
    /// <summary>The baseline: the trial of the space's default configuration (iteration 0).</summary>
    public TrialRecord Default => Trials[0];

    /// <summary>The best successful trial (the default when nothing beat it).</summary>
    public TrialRecord Best => Trials.Where(t => !t.Failed).Aggregate((a, b) => Better(b.Value, a.Value) ? b : a);

    /// <summary>How much better the best is than the default, in percent of the default.</summary>
    public double ImprovementPercent =>
        (Objective.Maximize ? Best.Value - Default.Value : Default.Value - Best.Value) / Math.Abs(Default.Value) * 100;

    /// <summary>The best value after each trial (failures never improve it).</summary>
    public double[] BestSoFar() => Comparison.Curves.BestSoFar(Trials, Objective.Maximize);

    private bool Better(double a, double b) => Objective.Maximize ? a > b : a < b;
}

/// <summary>
/// The tuning loop: evaluates the default configuration (iteration 0, the baseline), then asks the optimiser for a
/// point,
/// decodes it through the space adapter, evaluates it on the target and tells the optimiser the outcome, trial after
/// trial. Every trial is appended to the history as it completes; a resumed run replays the history into a freshly
/// seeded adapter and optimiser (so they reach the very state the interrupted run had) and carries on.
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
        var seeds = new SeedTree(plan.Seed);
        var adapter = plan.Method.CreateAdapter(plan.Space, seeds.Child("adapter"));
        var optimizer = OptimizerCatalog.Create(plan.Method.Optimizer, adapter.Dimensions, seeds.Stream("optimizer"));
        var objective = target.Objective;
        var sign = objective.Maximize ? -1.0 : 1.0;
        var trials = new List<TrialRecord>();
        FailureScore? failures = null;

        var recorded = history?.Completed ?? [];
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
                trial = Evaluate(target, configuration, point, iteration, objective, failures, cancellation);
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
        }
        return new TuningOutcome(plan, objective, trials);
    }

    private static TrialRecord Evaluate(ITuningTarget target, IReadOnlyDictionary<string, object> configuration,
        double[]? point, int iteration,
        TargetObjective objective, FailureScore? failures, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var measurement = target.Evaluate(configuration, cancellation);
        cancellation.ThrowIfCancellationRequested();
        var failure = measurement.Failure;
        if (failure is null && !measurement.Metrics.ContainsKey(objective.Metric)) failure =
            $"the target reported no '{objective.Metric}'";
        var value = failure is null ? measurement.Metrics[objective.Metric] : failures?.Worst ?? double.NaN;
        return new TrialRecord(iteration, configuration, point, measurement.Metrics, value, failure,
            clock.Elapsed.TotalSeconds, DateTimeOffset.UtcNow);
    }

    private static bool SamePoint(double[]? recorded, double[]? replayed) =>
        recorded is null ? replayed is null : replayed is not null && recorded.Length == replayed.Length
            && recorded.Zip(replayed).All(p => Math.Abs(p.First - p.Second) <= 1e-12 * Math.Max(1, Math.Abs(p.First)));
}
