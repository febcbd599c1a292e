using Frugal.Core.Experiments;
using Frugal.Core.Results;
using Frugal.Tuning.Comparison;

namespace Frugal.Tuning.Experiments;

/// <summary>
/// <c>frugal tune compare</c> as an experiment: every method of a <see cref="ComparisonPlan"/> on the same seeds, with
/// best-so-far curves and bootstrap bands, final bests, and LlamaTune's "trials needed to reach the plain optimiser's
/// best" ratio for every wrapped method.
/// </summary>
public sealed class TuningComparisonExperiment(ComparisonPlan plan, string name = "tuning.compare") : IExperiment
{
    public string Name => name;
    public string Title => $"Tuning: {string.Join(", ", plan.Methods.Select(m => m.Name))} on {plan.TargetName}";
    public string Description => "Runs each tuning method on the same seeds and compares best-so-far curves and the trials each needs to reach the plain optimiser's best.";

    /// <summary>The summaries of the last <see cref="Run"/>.</summary>
    public IReadOnlyList<MethodSummary> Summaries { get; private set; } = [];

    public bool Maximize { get; private set; }

    public ExperimentResult Run(ExperimentContext context)
    {
        var result = context.NewResult(this);
        RunInto(result, context, plan);
        return result;
    }

    /// <summary>Runs <paramref name="comparison"/> and records its parameters, metrics, tables and charts in <paramref name="result"/>.</summary>
    public void RunInto(ExperimentResult result, ExperimentContext context, ComparisonPlan comparison)
    {
        result.WithParameter("target", comparison.TargetName)
            .WithParameter("workload", comparison.Options.Workload ?? "default")
            .WithParameter("space", comparison.Space.Name)
            .WithParameter("knobs", comparison.Space.Knobs.Count)
            .WithParameter("methods", string.Join(",", comparison.Methods.Select(m => m.Describe())))
            .WithParameter("iterations", comparison.Iterations)
            .WithParameter("seeds", comparison.Seeds);
        var runs = TuningComparison.Run(comparison, context.Seeds, context.ReportProgress, context.Cancellation);
        var objective = runs[0].Outcome.Objective;
        Maximize = objective.Maximize;
        Summaries = TuningComparison.Summarise(runs, objective.Maximize, context.Seeds.Stream("bootstrap"));

        var methods = new RecordTable("methods", [
            new Column("method", ColumnKind.Text), new Column("plain", ColumnKind.Text), new Column("median_final_best", Unit: objective.Metric),
            new Column("mean_final_best", Unit: objective.Metric), new Column("lower"), new Column("upper"), new Column("trials_ratio"),
            new Column("reached"), new Column("seeds")]);
        var curves = new RecordTable("curves", [new Column("method", ColumnKind.Text), new Column("trial"), new Column("mean"), new Column("lower"), new Column("upper")]);
        foreach (var s in Summaries)
        {
            var last = s.Band[^1];
            methods.Add(s.Method.Name, s.Plain, s.MedianFinalBest, last.Estimate, last.Lower, last.Upper, s.TrialsRatio, s.Plain is null ? null : s.Reached, s.FinalBest.Length);
            result.WithMetric($"final_best.{s.Method.Name}", s.MedianFinalBest, objective.Metric, last.Lower, last.Upper);
            if (s.TrialsRatio is { } ratio) result.WithMetric($"trials_ratio.{s.Method.Name}", ratio, "×");
            if (s.Plain is not null) result.WithMetric($"reached.{s.Method.Name}", s.Reached, "seeds");
            for (var i = 0; i < s.MeanCurve.Length; i++) curves.Add(s.Method.Name, i, s.Band[i].Estimate, s.Band[i].Lower, s.Band[i].Upper);
        }
        var perRun = new RecordTable("runs", [
            new Column("method", ColumnKind.Text), new Column("seed_index"), new Column("default", Unit: objective.Metric), new Column("final_best", Unit: objective.Metric),
            new Column("regret"), new Column("failures")]);
        foreach (var run in runs)
            perRun.Add(run.Method.Name, run.SeedIndex, run.Outcome.Default.Value, run.Outcome.Best.Value,
                run.Outcome.Best.Metrics.TryGetValue("regret", out var regret) ? regret : null, run.Outcome.Trials.Count(t => t.Failed));
        result.Records.AddRange([methods, curves, perRun]);

        var label = $"best {objective.Metric} so far";
        result.Charts.Add(new Chart("best-so-far", ChartKind.Line, "Best so far (mean over seeds)", "trial", label,
            Summaries.Select(s => Series.Of(s.Method.Name, s.MeanCurve)).ToArray()));
        foreach (var s in Summaries)
            result.Charts.Add(new Chart($"band-{s.Method.Name}", ChartKind.Line, $"{s.Method.Name}: mean best so far with its 95% bootstrap band", "trial", label,
                [Series.Of("mean", s.MeanCurve), Series.Of("lower", s.Band.Select(b => b.Lower).ToArray()), Series.Of("upper", s.Band.Select(b => b.Upper).ToArray())]));
        result.Charts.Add(new Chart("final-best", ChartKind.Bar, "Final best (median over seeds)", "method", objective.Metric,
            [new Series("median final best", Enumerable.Range(0, Summaries.Count).Select(i => (double)i).ToArray(), Summaries.Select(s => s.MedianFinalBest).ToArray())])
        {
            Categories = Summaries.Select(s => s.Method.Name).ToArray(),
        });
        result.Summary = string.Join("; ", Summaries.Select(s =>
            $"{s.Method.Name}: median best {s.MedianFinalBest:G4}" + (s.Plain is null ? "" : $", trials ratio vs {s.Plain} {(s.TrialsRatio is { } r ? $"{r:F2}×" : "n/a")} ({s.Reached}/{s.FinalBest.Length} seeds reached)")));
    }
}
