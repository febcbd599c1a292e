using Frugal.Core.Randomness;
using Frugal.Core.Statistics;
using Frugal.Tuning.Adapters;
using Frugal.Tuning.Loop;
using Frugal.Tuning.Spaces;
using Frugal.Tuning.Targets;

namespace Frugal.Tuning.Comparison;

/// <summary>
/// Several methods on one target, each run on the same seeds (seed k is the same number for every method).
/// </summary>
/// <param name="TargetName">The target's name, as the catalogue knows it.</param>
/// <param name="Options">Workload settings the target runs with.</param>
/// <param name="Space">The knobs every method searches.</param>
/// <param name="Methods">The methods to compare.</param>
/// <param name="Iterations">Trials per run after the default configuration's.</param>
/// <param name="Seeds">Runs per method (seed indices 0 to <paramref name="Seeds"/> − 1).</param>
/// <param name="HistoryDirectory">
/// Where each run appends its trials (<c>METHOD-seedK.jsonl</c>), so that a long comparison (a real database) loses
/// nothing when
/// interrupted; null keeps trials in memory only.
/// </param>
/// <param name="Resume">Continue the runs whose histories exist in <paramref name="HistoryDirectory"/> instead of
/// refusing them.</param>
/// <param name="Protocol">How every run measures (default: one run per trial).</param>
/// <param name="Metric">The metric optimised when not the target's own.</param>
/// <param name="NoiseCheck">When set, the default's noise is measured first and a comparison noisier than its
/// threshold refused (<see cref="Preflight"/>).</param>
public sealed record ComparisonPlan(string TargetName, TargetOptions Options, SearchSpace Space,
    IReadOnlyList<TuningMethod> Methods, int Iterations, int Seeds,
    string? HistoryDirectory = null, bool Resume = false, MeasurementProtocol? Protocol = null, string? Metric = null,
    NoisePolicy? NoiseCheck = null)
{
    /// <summary>The history file of <paramref name="method"/>'s run on seed <paramref name="seedIndex"/>.</summary>
    public string? HistoryPath(TuningMethod method, int seedIndex) =>
        HistoryDirectory is null ? null : HistoryFile(HistoryDirectory, method, seedIndex);

    /// <summary>The history file of <paramref name="method"/>'s run on seed <paramref name="seedIndex"/> in
    /// <paramref name="directory"/>.</summary>
    public static string HistoryFile(string directory, TuningMethod method, int seedIndex) =>
        Path.Combine(directory, $"{method.Name}-seed{seedIndex}.jsonl");
}

/// <summary>How a comparison treats the machine's noise.</summary>
/// <param name="Threshold">The largest coefficient of variation of the default accepted.</param>
/// <param name="AllowNoisy">Run anyway when it is exceeded (the result records the noise).</param>
public sealed record NoisePolicy(double Threshold = Preflight.DefaultThreshold, bool AllowNoisy = false);

/// <summary>One method on one seed.</summary>
public sealed record MethodRun(TuningMethod Method, int SeedIndex, TuningOutcome Outcome);

/// <summary>
/// How one method did over the seeds: the median final best, the mean best-so-far curve with a bootstrap confidence
/// band, and — for a LlamaTune-wrapped method whose plain optimiser ran too — its <see cref="TrialsRatio"/>.
/// </summary>
/// <param name="Method">The method.</param>
/// <param name="Plain">The plain counterpart (same optimiser, identity adapter) it is compared with, if it ran.</param>
/// <param name="FinalBest">Each seed's final best value.</param>
/// <param name="MeanCurve">The best-so-far value after each trial, averaged over the seeds.</param>
/// <param name="Band">A 95% percentile-bootstrap interval of that mean, per trial.</param>
/// <param name="RatioPerSeed">Per seed: plain's trials to its final best ÷ this method's trials to reach that value;
/// null where it never did.</param>
/// <param name="RatioInterval">A 95% percentile-bootstrap interval of the trials ratio's median over the seeds (seeds
/// that never reached the value count as 0, so a lower bound of 0 means a resampled median fell on such seeds); null
/// without a plain counterpart.</param>
public sealed record MethodSummary(TuningMethod Method, string? Plain, double[] FinalBest, double[] MeanCurve,
    Interval[] Band, double?[] RatioPerSeed, Interval? RatioInterval = null)
{
    /// <summary>
    /// The median of <see cref="RatioPerSeed"/>, the seeds that never reached the value ranking lowest; null when there
    /// is no
    /// plain counterpart or when the median falls on such a seed (at least half the seeds never reached it).
    /// </summary>
    public double? TrialsRatio => MedianWithMissingLowest(RatioPerSeed);

    /// <summary>On how many seeds the method reached the plain optimiser's final best.</summary>
    public int Reached => RatioPerSeed.Count(r => r is not null);

    /// <summary>The median over the seeds of the best value each run reached.</summary>
    public double MedianFinalBest => Summary.Median(FinalBest);

    internal static double? MedianWithMissingLowest(IReadOnlyList<double?> values)
    {
        if (values.Count == 0) return null;
        var sorted = values.OrderBy(v => v ?? double.NegativeInfinity).ToArray();
        var (low, high) = (sorted[(sorted.Length - 1) / 2], sorted[sorted.Length / 2]);
        return low is { } a && high is { } b ? (a + b) / 2 : null;
    }
}

/// <summary>Runs a <see cref="ComparisonPlan"/> and summarises it per method.</summary>
public static class TuningComparison
{
    /// <param name="plan">What to compare.</param>
    /// <param name="seeds">The run's seed tree: seed k of every method is <c>SeedOf("seed-k")</c>; the bootstrap draws
    /// from its stream <c>bootstrap</c>.</param>
    /// <param name="progress">Receives the fraction of runs done.</param>
    /// <param name="cancellation">Stops between trials.</param>
    /// <exception cref="HistoryExistsException">A run's history exists and the plan does not resume (checked before any
    /// run).</exception>
    public static ComparisonResult Run(ComparisonPlan plan, SeedTree seeds, Action<double>? progress = null,
        CancellationToken cancellation = default)
    {
        var histories = plan.Methods
            .SelectMany(m => Enumerable.Range(0, plan.Seeds).Select(k => plan.HistoryPath(m, k))).OfType<string>();
        if (!plan.Resume && histories.FirstOrDefault(TuningHistory.HoldsTrials) is { } existing)
            throw new HistoryExistsException(existing);
        var runs = new List<MethodRun>();
        var total = plan.Methods.Count * plan.Seeds;
        var entry = TargetCatalog.Get(plan.TargetName);
        NoiseCheck? noise = null;
        if (plan.NoiseCheck is { } policy)
        {
            using var target = entry.Create(plan.Options, seeds.Child("noise-check"));
            noise = Preflight.Measure(target, plan.Space, (plan.Protocol ?? MeasurementProtocol.Single).Repeats,
                policy.Threshold, cancellation);
            Preflight.Require(noise, policy.AllowNoisy);
        }
        // Seed by seed, each seed's methods back to back: the machine's speed drifts over seconds to minutes (on a
        // quiet 2-core VM one open RocksDB database ran at 127 to 242 K ops/s within a minute), and a method-by-method
        // order could give one method the slow period and the other the fast one.
        for (var k = 0; k < plan.Seeds; k++)
            foreach (var method in plan.Methods)
            {
                var seed = seeds.SeedOf($"seed-{k}");
                using var target = entry.Create(plan.Options, new SeedTree(seed).Child("target"));
                var run = new TuningPlan(plan.TargetName, plan.Space, method, plan.Iterations, seed, plan.Protocol,
                    plan.Metric);
                using var history = OpenHistory(plan, run, k, run.ObjectiveOn(target));
                var outcome = Tuner.Run(target, run, history, cancellation: cancellation);
                runs.Add(new MethodRun(method, k, outcome));
                progress?.Invoke((double)runs.Count / total);
            }
        var objective = runs[0].Outcome.Objective;
        var summaries = Summarise(runs, objective.Maximize, seeds.Stream("bootstrap"),
            seeds.Stream("ratio-bootstrap"));
        return new ComparisonResult(plan, objective, runs, summaries, noise);
    }

    private static TuningHistory? OpenHistory(ComparisonPlan plan, TuningPlan run, int seedIndex,
        TargetObjective objective)
    {
        if (plan.HistoryPath(run.Method, seedIndex) is not { } path) return null;
        var identity = run.Identity(objective);
        return plan.Resume && TuningHistory.HoldsTrials(path)
            ? TuningHistory.Resume(path, identity, plan.Space)
            : TuningHistory.Create(path, identity, plan.Space);
    }

    /// <summary>One summary per method, in the plan's order.</summary>
    internal static IReadOnlyList<MethodSummary> Summarise(
        IReadOnlyList<MethodRun> runs, bool maximize, RandomStream bootstrap, RandomStream ratioBootstrap)
    {
        var methods = runs.Select(r => r.Method).Distinct().ToArray();
        return methods.Select(method =>
        {
            var own = runs.Where(r => r.Method == method).OrderBy(r => r.SeedIndex).ToArray();
            var curves = own.Select(r => r.Outcome.BestSoFar()).ToArray();
            var length = curves.Min(c => c.Length);
            var band = new Interval[length];
            var mean = new double[length];
            for (var i = 0; i < length; i++)
            {
                var column = curves.Select(c => c[i]).ToArray();
                band[i] = Bootstrap.ConfidenceInterval(column, Summary.Mean, bootstrap, resamples: 1000);
                mean[i] = band[i].Estimate;
            }
            var plain =
                method.IsPlain ? null : methods.FirstOrDefault(m => m.IsPlain && m.Optimizer == method.Optimizer);
            var ratios = own.Select(r =>
            {
                if (plain is null) return (double?)null;
                var baseline = runs.FirstOrDefault(p => p.Method == plain && p.SeedIndex == r.SeedIndex);
                return baseline is null ? null
                    : Curves.TrialsRatio(baseline.Outcome.BestSoFar(), r.Outcome.BestSoFar(), maximize);
            }).ToArray();
            Interval? ratioInterval = plain is null ? null
                : Bootstrap.ConfidenceInterval(ratios.Select(r => r ?? 0).ToArray(), Summary.Median, ratioBootstrap,
                    resamples: 1000);
            return new MethodSummary(method, plain?.Name, own.Select(r => r.Outcome.BestSoFar()[^1]).ToArray(), mean,
                band, ratios, ratioInterval);
        }).ToArray();
    }
}
