using Frugal.Core.Statistics;

namespace Frugal.Tuning.Targets;

/// <summary>Measuring a configuration on a target: apply it once, then measured runs, the median reported.</summary>
public static class TargetMeasuring
{
    /// <summary>
    /// Applies <paramref name="configuration"/> and measures it <paramref name="repeats"/> times: every metric is the
    /// median over the runs, and <see cref="TrialMeasurement.Runs"/> holds the objective's value in each run. The first
    /// run that fails (or an apply the target refuses) makes the whole trial fail with its reason.
    /// </summary>
    /// <param name="target">The system measured.</param>
    /// <param name="configuration">The configuration applied.</param>
    /// <param name="cancellation">Stops between runs.</param>
    /// <param name="repeats">Measured runs after the apply.</param>
    /// <param name="metric">The metric whose value in each run <see cref="TrialMeasurement.Runs"/> holds (null: the
    /// objective).</param>
    public static TrialMeasurement Evaluate(this ITuningTarget target,
        IReadOnlyDictionary<string, object> configuration, CancellationToken cancellation, int repeats = 1,
        string? metric = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        if (target.Apply(configuration, cancellation) is { } refused) return TrialMeasurement.FailedWith(refused);
        var runs = new List<TrialMeasurement>();
        for (var r = 0; r < repeats; r++)
        {
            cancellation.ThrowIfCancellationRequested();
            var run = target.Measure(cancellation);
            if (run.Failed) return run;
            runs.Add(run);
        }
        var names = runs[0].Metrics.Keys.Where(name => runs.All(r => r.Metrics.ContainsKey(name)));
        var medians = names.ToDictionary(name => name,
            name => Summary.Median(runs.Select(r => r.Metrics[name]).ToArray()));
        metric ??= target.Objective.Metric;
        return TrialMeasurement.Succeeded(medians) with
        {
            Runs = runs.Select(r => r.Metrics.GetValueOrDefault(metric, double.NaN)).ToArray(),
        };
    }

    /// <summary>
    /// The coefficient of variation of <paramref name="runs"/> (sample standard deviation ÷ |mean|): the noise of a
    /// measurement; 0 with fewer than two runs.
    /// </summary>
    public static double CoefficientOfVariation(IReadOnlyList<double> runs)
    {
        if (runs.Count < 2) return 0;
        var values = runs.ToArray();
        var mean = Summary.Mean(values);
        return mean == 0 ? 0 : Summary.StandardDeviation(values) / Math.Abs(mean);
    }
}
