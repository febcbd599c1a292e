using Frugal.Core.Experiments;
using Frugal.Core.Results;
using Frugal.Tuning.Loop;
using Frugal.Tuning.Targets;

namespace Frugal.Tuning.Experiments;

/// <summary>
/// <c>frugal tune run</c> as an experiment, so its results, plots and report are written like every other: one tuning
/// run of <paramref name="plan"/> on <paramref name="target"/>, its trials appended to <paramref name="history"/> as they complete.
/// </summary>
public sealed class TuningRunExperiment(ITuningTarget target, TuningPlan plan, TuningHistory? history, Action<TrialRecord>? trialDone) : IExperiment
{
    public string Name => "tuning.run";
    public string Title => $"Tuning {plan.TargetName} with {plan.Method.Name}";
    public string Description => "One tuning run: the default configuration, then the method's suggestions, with the best found against the default.";

    /// <summary>The outcome of the last <see cref="Run"/>.</summary>
    public TuningOutcome? Outcome { get; private set; }

    public ExperimentResult Run(ExperimentContext context)
    {
        var outcome = Tuner.Run(target, plan, history, trial =>
        {
            trialDone?.Invoke(trial);
            context.ReportProgress((double)(trial.Iteration + 1) / (plan.Iterations + 1));
        }, context.Cancellation);
        Outcome = outcome;
        var objective = outcome.Objective;
        var result = context.NewResult(this)
            .WithParameter("target", plan.TargetName)
            .WithParameter("space", plan.Space.Name)
            .WithParameter("method", plan.Method.Describe())
            .WithParameter("iterations", plan.Iterations)
            .WithParameter("history", history?.Path)
            .WithMetric("default", outcome.Default.Value, objective.Metric)
            .WithMetric("best", outcome.Best.Value, objective.Metric)
            .WithMetric("improvement", outcome.ImprovementPercent, "%")
            .WithMetric("best_iteration", outcome.Best.Iteration)
            .WithMetric("failures", outcome.Trials.Count(t => t.Failed));

        var best = outcome.BestSoFar();
        var trials = new RecordTable("trials", [
            new Column("iteration"), new Column("value", Unit: objective.Metric), new Column("best_so_far", Unit: objective.Metric),
            new Column("failed", ColumnKind.Text), new Column("reason", ColumnKind.Text), new Column("seconds", Unit: "s"), new Column("changed", ColumnKind.Text)]);
        foreach (var t in outcome.Trials)
            trials.Add(t.Iteration, t.Value, best[t.Iteration], t.Failed ? "yes" : "no", t.Failure, t.Seconds, ChangedKnobs(plan, t.Configuration));
        var knobs = new RecordTable("best", [new Column("knob", ColumnKind.Text), new Column("default", ColumnKind.Text), new Column("best", ColumnKind.Text)]);
        foreach (var knob in plan.Space.Knobs)
            knobs.Add(knob.Name, Format.Parameter(outcome.Default.Configuration[knob.Name]), Format.Parameter(outcome.Best.Configuration[knob.Name]));
        result.Records.AddRange([trials, knobs]);
        result.Charts.Add(new Chart("trials", ChartKind.Scatter, "Every trial and the best so far", "trial", objective.Metric,
        [
            new Series("successful trial", outcome.Trials.Where(t => !t.Failed).Select(t => (double)t.Iteration).ToArray(), outcome.Trials.Where(t => !t.Failed).Select(t => t.Value).ToArray()),
            new Series("failed (scored worst so far)", outcome.Trials.Where(t => t.Failed).Select(t => (double)t.Iteration).ToArray(), outcome.Trials.Where(t => t.Failed).Select(t => t.Value).ToArray()),
        ]));
        result.Charts.Add(new Chart("best-so-far", ChartKind.Line, "Best so far", "trial", objective.Metric, [Series.Of(plan.Method.Name, best)]));
        result.Summary = $"best {objective.Metric} {outcome.Best.Value:G4} at iteration {outcome.Best.Iteration} against {outcome.Default.Value:G4} for the default ({outcome.ImprovementPercent:+0.0;-0.0}%).";
        return result;
    }

    /// <summary>The knobs a configuration sets away from their defaults, as <c>name=value</c> text.</summary>
    public static string ChangedKnobs(TuningPlan plan, IReadOnlyDictionary<string, object> configuration) =>
        string.Join(" ", plan.Space.Knobs.Where(k => !Equals(k.Default, configuration[k.Name])).Select(k => $"{k.Name}={Format.Parameter(configuration[k.Name])}"));
}
