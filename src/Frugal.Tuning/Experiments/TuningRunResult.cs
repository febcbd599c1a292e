using System.Globalization;
using System.Text.Json;
using Frugal.Core.Results;
using Frugal.Tuning.Loop;

namespace Frugal.Tuning.Experiments;

/// <summary>What <c>tune run</c> produced: one run's outcome, and the history its trials were appended to.</summary>
/// <param name="Outcome">Every trial, the default and the best.</param>
/// <param name="HistoryPath">The history file, if the run kept one.</param>
public sealed record TuningRunResult(TuningOutcome Outcome, string? HistoryPath)
{
    /// <summary>
    /// Records the run in <paramref name="result"/> (a fresh result of the experiment that shows it): its parameters,
    /// the default, the best and the improvement as metrics, the <c>trials</c> and <c>best</c> tables and two charts.
    /// </summary>
    public ExperimentResult ToExperimentResult(ExperimentResult result)
    {
        var plan = Outcome.Plan;
        var objective = Outcome.Objective;
        result.WithParameter("target", plan.TargetName)
            .WithParameter("space", plan.Space.Name)
            .WithParameter("method", plan.Method.Describe())
            .WithParameter("iterations", plan.Iterations)
            .WithParameter("history", HistoryPath)
            .WithParameter("protocol", plan.Measuring.Describe())
            .WithMetric("default", Outcome.Estimate(Outcome.Default), objective.Metric)
            .WithMetric("best", Outcome.Estimate(Outcome.Best), objective.Metric)
            .WithMetric("improvement", Outcome.ImprovementPercent, "%")
            .WithMetric("best_iteration", Outcome.Best.Iteration)
            .WithMetric("failures", Outcome.Trials.Count(t => t.Failed));
        if (Outcome.Verification is { } verified)
            result.WithMetric("verified_improvement", verified.ImprovementPercent, "%")
                .WithMetric("verified_rounds_won", verified.RoundsWon, $"of {verified.Default.Length}");

        var best = Outcome.BestSoFar();
        var metric = objective.Metric;
        var trials = new RecordTable("trials", [
            new Column("iteration"), new Column("value", Unit: metric), new Column("noise_cv"),
            new Column("best_so_far", Unit: metric), new Column("failed", ColumnKind.Text),
            new Column("reason", ColumnKind.Text),
            new Column("seconds", Unit: "s"), new Column("changed", ColumnKind.Text)]);
        foreach (var t in Outcome.Trials)
            trials.Add(t.Iteration, t.Value, t.Noise, best[t.Iteration], t.Failed ? "yes" : "no", t.Failure, t.Seconds,
                plan.ChangedKnobs(t.Configuration));
        var knobs = new RecordTable("best", [
            new Column("knob", ColumnKind.Text), new Column("default", ColumnKind.Text),
            new Column("best", ColumnKind.Text)]);
        foreach (var knob in plan.Space.Knobs)
            knobs.Add(knob.Name, Format.Parameter(Outcome.Default.Configuration[knob.Name]),
                Format.Parameter(Outcome.Best.Configuration[knob.Name]));
        result.Records.AddRange([trials, knobs]);
        Series Trials(string name, bool failed)
        {
            var shown = Outcome.Trials.Where(t => t.Failed == failed).ToArray();
            return new Series(name, [.. shown.Select(t => (double)t.Iteration)], [.. shown.Select(t => t.Value)]);
        }
        result.Charts.Add(new Chart("trials", ChartKind.Scatter, "Every trial and the best so far", "trial", metric,
            [Trials("successful trial", failed: false), Trials("failed (scored worst so far)", failed: true)]));
        result.Charts.Add(new Chart("best-so-far", ChartKind.Line, "Best so far", "trial", metric,
            [Series.Of(plan.Method.Name, best)]));
        result.Summary = $"best {metric} {Outcome.Estimate(Outcome.Best):G4} at iteration {Outcome.Best.Iteration} " +
                         $"against {Outcome.Estimate(Outcome.Default):G4} for the default " +
                         $"({Outcome.ImprovementPercent:+0.0;-0.0}%)" + (Outcome.Verification is { } v
                             ? $"; verified: {v.ImprovementPercent:+0.0;-0.0}%, " +
                               $"won {v.RoundsWon} of {v.Default.Length}."
                             : ".");
        return result;
    }

    /// <summary>
    /// The run as JSON (<see cref="ResultJson.Options"/>): the default, the best (configuration and metrics), the
    /// improvement, the best-so-far curve and every trial.
    /// </summary>
    public string ToJson()
    {
        var plan = Outcome.Plan;
        var best = Outcome.Best;
        return JsonSerializer.Serialize(new RunJson(
            plan.TargetName, plan.Space.Name, plan.Method.Name, plan.Seed.ToString(CultureInfo.InvariantCulture),
            plan.Iterations, Outcome.Objective.Metric, Outcome.Objective.Maximize, HistoryPath,
            new DefaultJson(Outcome.Estimate(Outcome.Default), Outcome.Default.Configuration, Outcome.Default.Metrics),
            new BestJson(best.Iteration, Outcome.Estimate(best), best.Configuration, best.Metrics),
            Outcome.ImprovementPercent, Outcome.Trials.Count(t => t.Failed), Outcome.BestSoFar(),
            [.. Outcome.Trials.Select(t => new TrialJson(t.Iteration, t.Value, t.Noise, t.Runs, t.Failed, t.Failure))],
            [
                .. Outcome.Remeasurements.Select(r =>
                    new RemeasureJson(r.After, r.Of, r.Failed ? null : r.Value, r.Runs)),
            ],
            Outcome.Verification is { } v ? JsonDocument.Parse(v.ToJson()).RootElement : null),
            ResultJson.Options);
    }

    private sealed record RunJson(
        string Target, string Space, string Method, string Seed, int Iterations, string Objective, bool Maximize,
        string? History, DefaultJson Default, BestJson Best, double ImprovementPercent, int Failures,
        double[] BestSoFar, TrialJson[] Trials, RemeasureJson[] Remeasurements, JsonElement? Verification);

    private sealed record DefaultJson(
        double Value, IReadOnlyDictionary<string, object> Configuration, IReadOnlyDictionary<string, double> Metrics);

    private sealed record BestJson(
        int Iteration, double Value, IReadOnlyDictionary<string, object> Configuration,
        IReadOnlyDictionary<string, double> Metrics);

    private sealed record TrialJson(
        int Iteration, double Value, double Noise, IReadOnlyList<double> Runs, bool Failed, string? Reason);

    private sealed record RemeasureJson(int After, int Of, double? Value, IReadOnlyList<double> Runs);
}
