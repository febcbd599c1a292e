using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Frugal.Core.Errors;
using Frugal.Core.Results;
using Frugal.Core.Statistics;
using Frugal.Tuning.Spaces;
using Frugal.Tuning.Targets;

namespace Frugal.Tuning.Loop;

/// <summary>
/// The default configuration measured at one run length: <see cref="Trials"/> applies (each a fresh load or restart
/// and warm-up), each followed by the same number of measured runs.
/// </summary>
/// <param name="DurationSeconds">The length of a measured run (null: the target's own default).</param>
/// <param name="Trials">The metric studied (the objective unless another was asked) in each run, trial by trial.
/// </param>
/// <param name="Seconds">Wall-clock seconds all the trials took, applies included.</param>
public sealed record NoiseRow(double? DurationSeconds, IReadOnlyList<IReadOnlyList<double>> Trials, double Seconds)
{
    /// <summary>The median of every run.</summary>
    public double Median => Summary.Median([.. Trials.SelectMany(t => t)]);

    /// <summary>
    /// The coefficient of variation of the runs after one apply, the median over the trials (reported: a trial keeps
    /// the median of its runs, so this is not what separates two configurations).
    /// </summary>
    public double WithinCv => Summary.Median([.. Trials.Select(TargetMeasuring.CoefficientOfVariation)]);

    /// <summary>
    /// The coefficient of variation of the trials' values (each the median of its runs, as the tuning loop scores a
    /// trial): the noise between two trials of one configuration, which the preflight checks; null with a single
    /// trial.
    /// </summary>
    public double? BetweenCv => Trials.Count < 2 ? null
        : TargetMeasuring.CoefficientOfVariation([.. Trials.Select(t => Summary.Median([.. t]))]);

    /// <summary>Wall-clock seconds of one trial: apply, warm-up and the measured runs.</summary>
    public double SecondsPerTrial => Seconds / Trials.Count;
}

/// <summary>
/// How noisy a target's default configuration is at each run length, so run lengths are chosen from evidence: the
/// shortest duration whose noise is below the threshold makes the cheapest trials a comparison can trust.
/// </summary>
/// <param name="Target">The target measured.</param>
/// <param name="Metric">The metric studied.</param>
/// <param name="RunsPerTrial">Measured runs after each apply.</param>
/// <param name="Threshold">The coefficient of variation a comparison accepts.</param>
/// <param name="Rows">One row per run length, in the order asked.</param>
public sealed record NoiseStudyResult(string Target, string Metric, int RunsPerTrial, double Threshold,
    IReadOnlyList<NoiseRow> Rows)
{
    /// <summary>
    /// The shortest run length whose noise between trials (the preflight's statistic) is at most the threshold; null
    /// when none is, or with a single trial per length (no evidence between trials).
    /// </summary>
    public NoiseRow? ShortestQuiet => Rows.Where(r => r.BetweenCv <= Threshold)
        .OrderBy(r => r.DurationSeconds ?? double.MaxValue).FirstOrDefault();

    /// <summary>The study as JSON (<see cref="ResultJson.Options"/>), every run's value included.</summary>
    public string ToJson() => JsonSerializer.Serialize(new StudyJson(Target, Metric, RunsPerTrial, Threshold,
        [.. Rows.Select(r => new RowJson(r.DurationSeconds, r.Median, r.WithinCv, r.BetweenCv, r.SecondsPerTrial,
            r.Trials))], ShortestQuiet?.DurationSeconds), ResultJson.Options);

    private sealed record StudyJson(string Target, string Metric, int RunsPerTrial, double Threshold,
        IReadOnlyList<RowJson> Rows, double? ShortestQuietDuration);

    private sealed record RowJson(double? DurationSeconds, double Median, double WithinCv, double? BetweenCv,
        double SecondsPerTrial, IReadOnlyList<IReadOnlyList<double>> Runs);
}

/// <summary>Measures the default configuration's noise against the length of a measured run.</summary>
public static class NoiseStudy
{
    /// <summary>Measured runs per trial unless asked otherwise.</summary>
    public const int DefaultRuns = 5;

    /// <summary>The name errors give the run lengths.</summary>
    public const string DurationsSetting = "run lengths";

    /// <summary>The name errors give the measured runs per trial.</summary>
    public const string RunsSetting = "runs per trial";

    /// <summary>The name errors give the number of trials per run length.</summary>
    public const string TrialsSetting = "trials per run length";

    /// <summary>The name errors give the metric studied.</summary>
    public const string MetricSetting = "metric";

    /// <summary>The name errors give the noise threshold.</summary>
    public const string ThresholdSetting = "noise threshold";

    /// <summary>
    /// For each run length, a fresh target (<paramref name="create"/>), then <paramref name="trials"/> times: apply
    /// the default configuration of <paramref name="space"/> and measure it <paramref name="runs"/> times.
    /// </summary>
    /// <param name="create">A target whose measured runs last the given seconds (null: its default).</param>
    /// <param name="space">Whose default configuration is measured.</param>
    /// <param name="durations">The run lengths, in seconds (null: the target's default).</param>
    /// <param name="runs">Measured runs per trial (2 to 100).</param>
    /// <param name="trials">Trials per run length (1 to 100).</param>
    /// <param name="threshold">The coefficient of variation a comparison accepts (as the preflight's).</param>
    /// <param name="metric">The metric whose noise is measured (null: the target's objective).</param>
    /// <param name="trialDone">Hears each finished trial.</param>
    /// <param name="cancellation">Stops between runs.</param>
    /// <exception cref="BadInputException">A count out of range, no run length, or the default failed.</exception>
    public static NoiseStudyResult Run(Func<double?, ITuningTarget> create, SearchSpace space,
        IReadOnlyList<double?> durations, int runs, int trials, double threshold = Preflight.DefaultThreshold,
        string? metric = null, Action? trialDone = null, CancellationToken cancellation = default)
    {
        if (durations.Count == 0) throw new BadInputException("name at least one run length", DurationsSetting);
        if (runs is < 2 or > 100) throw OutOfRange(RunsSetting, runs, "[2, 100]");
        if (trials is < 1 or > 100) throw OutOfRange(TrialsSetting, trials, "[1, 100]");
        if (!(threshold is > 0 and <= 1))
            throw new BadInputException(string.Create(CultureInfo.InvariantCulture,
                $"{ThresholdSetting} must lie in (0, 1] (got {threshold})"), ThresholdSetting);
        string? name = null;
        var rows = new List<NoiseRow>();
        foreach (var duration in durations)
        {
            using var target = create(duration);
            name = target.Name;
            metric ??= target.Objective.Metric;
            if (!target.Objective.Metrics.Contains(metric))
                throw new BadInputException(
                    $"the {name} target reports no metric '{metric}' (known: " +
                    $"{string.Join(", ", target.Objective.Metrics)})", MetricSetting);
            rows.Add(Sample(target, space, duration, runs, trials, metric, "noise study", trialDone, cancellation));
        }
        return new NoiseStudyResult(name!, metric!, runs, threshold, rows);
    }

    /// <summary>
    /// <paramref name="trials"/> times: apply the default configuration of <paramref name="space"/> to
    /// <paramref name="target"/> and measure <paramref name="metric"/> in <paramref name="runs"/> runs.
    /// </summary>
    /// <exception cref="BadInputException">The default configuration failed (named as in <paramref name="what"/>).
    /// </exception>
    internal static NoiseRow Sample(ITuningTarget target, SearchSpace space, double? duration, int runs, int trials,
        string metric, string what, Action? trialDone, CancellationToken cancellation)
    {
        var watch = Stopwatch.StartNew();
        var values = new List<IReadOnlyList<double>>();
        for (var t = 0; t < trials; t++)
        {
            var measurement = target.Evaluate(space.DefaultConfiguration(), cancellation, runs, metric);
            if (measurement.Failed)
                throw new BadInputException($"the default configuration failed in the {what} ({measurement.Failure})");
            values.Add(measurement.Runs);
            trialDone?.Invoke();
        }
        return new NoiseRow(duration, values, watch.Elapsed.TotalSeconds);
    }

    private static BadInputException OutOfRange(string setting, int value, string range) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{setting} must lie in {range} (got {value})"), setting);
}
