using Frugal.Core.Results;
using Frugal.Scheduling.Simulation;

namespace Frugal.Scheduling.Reporting;

/// <summary>
/// Turns simulations of one trace under several policies into an experiment result: metrics, tables and plots.
/// </summary>
internal static class ScheduleReport
{
    /// <param name="result">The result to fill (it already carries its parameters).</param>
    /// <param name="runs">One simulation per policy, same trace and cluster.</param>
    /// <param name="published">The paper's values for this setting, by policy, if it has them.</param>
    public static ExperimentResult Fill(ExperimentResult result, IReadOnlyList<SimulationResult> runs,
        IReadOnlyDictionary<string, PublishedRow>? published = null)
    {
        foreach (var run in runs)
        {
            var m = run.Metrics;
            result.WithMetric($"{run.Policy}.makespan", m.MakespanHours, "h")
                .WithMetric($"{run.Policy}.avg_jct", m.AverageJctHours, "h")
                .WithMetric($"{run.Policy}.worst_rho", m.WorstRho)
                .WithMetric($"{run.Policy}.unfair", 100 * m.UnfairFraction, "%")
                .WithMetric($"{run.Policy}.utilization", m.Utilization);
        }
        result.Records.Add(PolicyTable(runs, published));
        result.Records.Add(SchedulerTable(runs));
        result.Records.Add(JobTable(runs));
        result.Charts.AddRange(Charts(runs));
        return result;
    }

    public static RecordTable PolicyTable(IReadOnlyList<SimulationResult> runs, IReadOnlyDictionary<string,
        PublishedRow>? published)
    {
        List<Column> columns =
        [
            new("policy", ColumnKind.Text), new("makespan", Unit: "h"), new("avg_jct", Unit: "h"),
                new("geomean_jct", Unit: "h"),
            new("worst_rho"), new("unfair", Unit: "%"), new("utilization"), new("worst_themis_rho"),
                new("simulation", Unit: "s"),
        ];
        if (published is not null)
            columns.AddRange(
                [new("paper_makespan", Unit: "h"), new("paper_avg_jct", Unit: "h"), new("paper_worst_rho"),
                new("paper_unfair", Unit: "%"), new("paper_utilization")]);
        var table = new RecordTable("policies", columns);
        foreach (var run in runs)
        {
            var m = run.Metrics;
            List<object?> row =
                [run.Policy, m.MakespanHours, m.AverageJctHours, m.GeometricMeanJctSeconds / 3600, m.WorstRho,
                100 * m.UnfairFraction,
                m.Utilization, m.WorstThemisRho, run.WallTime.TotalSeconds];
            if (published is not null)
            {
                var p = published.GetValueOrDefault(run.Policy);
                row.AddRange([p?.MakespanHours, p?.AverageJctHours, p?.WorstRho, p?.UnfairPercent, p?.Utilization]);
            }
            table.Add([.. row]);
        }
        return table;
    }

    /// <summary>
    /// Each scheduler's own counters (re-allocations; Shockwave's re-plans, solve times), one row per policy and
    /// counter.
    /// </summary>
    private static RecordTable SchedulerTable(IReadOnlyList<SimulationResult> runs)
    {
        var table =
            new RecordTable("scheduler_statistics",
            [new Column("policy", ColumnKind.Text), new Column("statistic", ColumnKind.Text), new Column("value")]);
        foreach (var run in runs)
            foreach (var (name, value) in run.SchedulerStatistics)
                table.Add(run.Policy, name, value);
        return table;
    }

    private static RecordTable JobTable(IReadOnlyList<SimulationResult> runs)
    {
        var table = new RecordTable("jobs", [
            new Column("policy", ColumnKind.Text), new Column("job"), new Column("job_type", ColumnKind.Text),
                new Column("gpus"),
            new Column("mode", ColumnKind.Text), new Column("arrival", Unit: "s"), new Column("start", Unit: "s"),
                new Column("completion", Unit: "s"),
            new Column("jct", Unit: "h"), new Column("gpu_time", Unit: "GPU-h"), new Column("rounds"),
                new Column("isolated", Unit: "h"),
            new Column("rho"), new Column("themis_rho"),
        ]);
        foreach (var run in runs)
            for (var i = 0; i < run.Jobs.Count; i++)
            {
                var j = run.Jobs[i];
                table.Add(run.Policy, j.Id, j.JobType, j.ScaleFactor, j.Mode, j.Arrival, j.Start, j.Completion,
                    j.Jct / 3600, j.GpuSeconds / 3600,
                    j.RoundsScheduled, j.IsolatedSeconds / 3600, run.Metrics.Rho[i], run.Metrics.ThemisRho[i]);
            }
        return table;
    }

    private static IEnumerable<Chart> Charts(IReadOnlyList<SimulationResult> runs)
    {
        yield return new Chart("jct-cdf", ChartKind.Cdf, "Job completion time", "JCT (h)", "fraction of jobs",
            runs.Select(r => new Series(r.Policy, [], r.Jobs.Select(j => j.Jct / 3600).ToArray())).ToArray());
        yield return new Chart("rho-cdf", ChartKind.Cdf, "Finish-time fairness ρ (> 1: unfair)", "ρ",
            "fraction of jobs",
            runs.Select(r => new Series(r.Policy, [], r.Metrics.Rho.ToArray())).ToArray());
        yield return new Chart("utilization", ChartKind.Line, "Cluster utilisation by round", "time (h)",
            "fraction of GPUs held",
            runs.Select(r => new Series(r.Policy, r.Rounds.Select(x => x.Start / 3600).ToArray(),
                r.Rounds.Select(x => x.GpusHeld / (double)r.Cluster.TotalGpus).ToArray())).ToArray());
        foreach (var run in runs)
        {
            var points =
                run.Rounds.SelectMany(r => r.Placements.Select(p => (Time: r.Start / 3600, Job: (double)p.JobId)))
                .ToArray();
            yield return new Chart($"placements-{run.Policy}", ChartKind.Scatter,
                $"Jobs holding GPUs, round by round ({run.Policy})", "time (h)", "job",
                [new Series(run.Policy, points.Select(p => p.Time).ToArray(), points.Select(p => p.Job).ToArray())]);
        }
    }
}
