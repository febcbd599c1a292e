using System.Text.Json;
using System.Text.Json.Serialization;
using Frugal.Core.Results;
using Frugal.Tuning.Targets;

namespace Frugal.Tuning.Comparison;

/// <summary>What a comparison produced: every method's run on every seed, and each method's summary.</summary>
/// <param name="Plan">What was compared.</param>
/// <param name="Objective">The metric compared and its direction.</param>
/// <param name="Runs">Every run, method by method, seed by seed.</param>
/// <param name="Summaries">One per method, in the plan's order.</param>
/// <param name="Noise">The machine's noise measured before the runs, when the plan asked for it.</param>
public sealed record ComparisonResult(
    ComparisonPlan Plan,
    TargetObjective Objective,
    IReadOnlyList<MethodRun> Runs,
    IReadOnlyList<MethodSummary> Summaries,
    Loop.NoiseCheck? Noise = null)
{
    /// <summary>
    /// Records the comparison in <paramref name="result"/> (a fresh result of the experiment that ran it): its
    /// parameters, each method's final best and trials ratio as metrics, the <c>methods</c>, <c>curves</c> and
    /// <c>runs</c> tables, and the best-so-far, band and final-best charts.
    /// </summary>
    public ExperimentResult ToExperimentResult(ExperimentResult result)
    {
        result.WithParameter("target", Plan.TargetName)
            .WithParameter("workload", Plan.Options.Workload ?? "default")
            .WithParameter("space", Plan.Space.Name)
            .WithParameter("knobs", Plan.Space.Knobs.Count)
            .WithParameter("methods", string.Join(",", Plan.Methods.Select(m => m.Describe())))
            .WithParameter("iterations", Plan.Iterations)
            .WithParameter("seeds", Plan.Seeds)
            .WithParameter("protocol", (Plan.Protocol ?? Loop.MeasurementProtocol.Single).Describe());
        if (Noise is not null) result.WithMetric("default_cv", Noise.CoefficientOfVariation, "");
        var metric = Objective.Metric;
        var methods = new RecordTable("methods", [
            new Column("method", ColumnKind.Text), new Column("plain", ColumnKind.Text),
            new Column("median_final_best", Unit: metric), new Column("mean_final_best", Unit: metric),
            new Column("lower"), new Column("upper"), new Column("trials_ratio"), new Column("ratio_lower"),
            new Column("ratio_upper"), new Column("reached"), new Column("seeds")]);
        var curves = new RecordTable("curves", [
            new Column("method", ColumnKind.Text), new Column("trial"), new Column("mean"), new Column("lower"),
            new Column("upper")]);
        foreach (var s in Summaries)
        {
            var last = s.Band[^1];
            methods.Add(s.Method.Name, s.Plain, s.MedianFinalBest, last.Estimate, last.Lower, last.Upper, s.TrialsRatio,
                s.RatioInterval?.Lower, s.RatioInterval?.Upper, s.Plain is null ? null : s.Reached,
                s.FinalBest.Length);
            result.WithMetric($"final_best.{s.Method.Name}", s.MedianFinalBest, metric, last.Lower, last.Upper);
            if (s.TrialsRatio is { } ratio) result.WithMetric($"trials_ratio.{s.Method.Name}", ratio, "×");
            if (s.Plain is not null) result.WithMetric($"reached.{s.Method.Name}", s.Reached, "seeds");
            for (var i = 0; i < s.MeanCurve.Length; i++)
                curves.Add(s.Method.Name, i, s.Band[i].Estimate, s.Band[i].Lower, s.Band[i].Upper);
        }
        var perRun = new RecordTable("runs", [
            new Column("method", ColumnKind.Text), new Column("seed_index"), new Column("default", Unit: metric),
            new Column("final_best", Unit: metric), new Column("regret"), new Column("failures"),
            new Column("verified_improvement", Unit: "%")]);
        foreach (var run in Runs)
            perRun.Add(run.Method.Name, run.SeedIndex, run.Outcome.Default.Value,
                run.Outcome.Estimate(run.Outcome.Best),
                run.Outcome.Best.Metrics.TryGetValue("regret", out var regret) ? regret : null,
                run.Outcome.Trials.Count(t => t.Failed), run.Outcome.Verification?.ImprovementPercent);
        result.Records.AddRange([methods, curves, perRun]);

        var label = $"best {metric} so far";
        result.Charts.Add(new Chart("best-so-far", ChartKind.Line, "Best so far (mean over seeds)", "trial", label,
            Summaries.Select(s => Series.Of(s.Method.Name, s.MeanCurve)).ToArray()));
        foreach (var s in Summaries)
            result.Charts.Add(new Chart($"band-{s.Method.Name}", ChartKind.Line,
                $"{s.Method.Name}: mean best so far with its 95% bootstrap band", "trial", label,
                [Series.Of("mean", s.MeanCurve), Series.Of("lower", s.Band.Select(b => b.Lower).ToArray()),
                 Series.Of("upper", s.Band.Select(b => b.Upper).ToArray())]));
        result.Charts.Add(new Chart("final-best", ChartKind.Bar, "Final best (median over seeds)", "method", metric,
            [new Series("median final best", Enumerable.Range(0, Summaries.Count).Select(i => (double)i).ToArray(),
                Summaries.Select(s => s.MedianFinalBest).ToArray())])
        {
            Categories = Summaries.Select(s => s.Method.Name).ToArray(),
        });
        result.Summary = string.Join("; ", Summaries.Select(s =>
            $"{s.Method.Name}: median best {s.MedianFinalBest:G4}" + (s.Plain is null
                ? ""
                : $", trials ratio vs {s.Plain} {(s.TrialsRatio is { } r ? $"{r:F2}×" : "n/a")} " +
                  $"({s.Reached}/{s.FinalBest.Length} seeds reached)")));
        return result;
    }

    /// <summary>
    /// The comparison as JSON (<see cref="ResultJson.Options"/>): one entry per method, in which <c>plain</c>,
    /// <c>trialsRatio</c> and <c>reached</c> are written as null (not left out) when the method has no plain
    /// counterpart or, for the ratio, did not reach its best on most seeds.
    /// </summary>
    public string ToJson() => JsonSerializer.Serialize(new ComparisonJson(
        Plan.TargetName, Plan.Space.Name, Plan.Iterations, Plan.Seeds, Objective.Metric, Objective.Maximize,
        (Plan.Protocol ?? Loop.MeasurementProtocol.Single).Describe(), Noise?.CoefficientOfVariation, Noise?.Default.WithinCv,
        Noise?.Default.Trials,
        [
            .. Summaries.Select(s => new MethodJson(
                s.Method.Name, s.Plain, s.MedianFinalBest, s.FinalBest, s.Band[^1].Estimate, s.Band[^1].Lower,
                s.Band[^1].Upper, s.TrialsRatio, s.RatioInterval?.Lower, s.RatioInterval?.Upper, s.RatioPerSeed,
                s.Plain is null ? null : s.Reached, s.MeanCurve, BestSoFarPerSeed(s))),
        ]),
        ResultJson.Options);

    private double[][] BestSoFarPerSeed(MethodSummary summary) =>
        [.. Runs.Where(r => r.Method == summary.Method).OrderBy(r => r.SeedIndex).Select(r => r.Outcome.BestSoFar())];

    private sealed record ComparisonJson(
        string Target, string Space, int Iterations, int Seeds, string Metric, bool Maximize, string Protocol,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? DefaultCv,
        double? DefaultWithinTrialCv, IReadOnlyList<IReadOnlyList<double>>? DefaultCvRuns, MethodJson[] Methods);

    private sealed record MethodJson(
        string Method,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Plain,
        double MedianFinalBest,
        double[] FinalBest,
        double MeanFinalBest,
        double Lower,
        double Upper,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? TrialsRatio,
        double? TrialsRatioLower,
        double? TrialsRatioUpper,
        double?[] TrialsRatioPerSeed,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? Reached,
        double[] MeanBestSoFar,
        double[][] BestSoFarPerSeed);
}
