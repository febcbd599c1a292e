using System.Text.Json;
using Frugal.Core.Results;

namespace Frugal.Scheduling.Simulation;

/// <summary>
/// The JSON form of a simulation: its metrics and one record per job (times in hours unless named otherwise).
/// </summary>
/// <param name="Policy">The scheduler's name.</param>
/// <param name="Trace">Where the trace came from.</param>
/// <param name="Cluster">The GPUs, e.g. <c>v100=32</c>.</param>
/// <param name="RoundSeconds">The round length.</param>
/// <param name="MakespanHours">When the last job completed.</param>
/// <param name="AvgJctHours">The mean job completion time.</param>
/// <param name="GeoMeanJctHours">The geometric mean job completion time.</param>
/// <param name="WorstFtf">The largest finish-time fairness ρ.</param>
/// <param name="UnfairFraction">The fraction of jobs with ρ above 1.05.</param>
/// <param name="WorstThemisFtf">The largest Themis-style ρ.</param>
/// <param name="Utilization">Training GPU time over GPUs × makespan, from 0 to 1.</param>
/// <param name="ContentionFactor">The static contention factor of ρ: max(1, jobs / GPUs).</param>
/// <param name="Rounds">The number of rounds.</param>
/// <param name="SimulationSeconds">How long the simulation took to compute (wall time).</param>
/// <param name="SchedulerStatistics">The scheduler's own counters.</param>
/// <param name="Jobs">One record per job, in trace order.</param>
public sealed record SimulationSummary(
    string Policy,
    string Trace,
    string Cluster,
    double RoundSeconds,
    double MakespanHours,
    double AvgJctHours,
    double GeoMeanJctHours,
    double WorstFtf,
    double UnfairFraction,
    double WorstThemisFtf,
    double Utilization,
    double ContentionFactor,
    int Rounds,
    double SimulationSeconds,
    IReadOnlyDictionary<string, double> SchedulerStatistics,
    IReadOnlyList<SimulationSummary.Job> Jobs)
{
    /// <summary>One job of the summary; ρ is the finish-time fairness of <see cref="ScheduleMetrics"/>.</summary>
    /// <param name="Id">The job's id in the trace.</param>
    /// <param name="JobType">The job type it started with.</param>
    /// <param name="Gpus">The GPUs it ran on at once.</param>
    /// <param name="Mode">Its batch-size adaptation mode.</param>
    /// <param name="ArrivalSeconds">When it arrived, in simulated seconds.</param>
    /// <param name="StartSeconds">When it first ran.</param>
    /// <param name="CompletionSeconds">When it finished.</param>
    /// <param name="JctHours">Its completion time, in hours.</param>
    /// <param name="GpuHours">The GPU time it held, in hours.</param>
    /// <param name="RoundsScheduled">The rounds it was placed in.</param>
    /// <param name="IsolatedHours">How long it would take alone, in hours.</param>
    /// <param name="Ftf">Its finish-time fairness ρ.</param>
    /// <param name="ThemisFtf">Its Themis-style ρ.</param>
    public sealed record Job(int Id, string JobType, int Gpus, string Mode, double ArrivalSeconds, double StartSeconds,
        double CompletionSeconds,
        double JctHours, double GpuHours, int RoundsScheduled, double IsolatedHours, double Ftf, double ThemisFtf);

    /// <summary>This summary as JSON in the house convention (<see cref="ResultJson.Options"/>).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ResultJson.Options);

    /// <summary>The summary of <paramref name="result"/>, a simulation of <paramref name="trace"/>.</summary>
    public static SimulationSummary From(SimulationResult result, string trace)
    {
        var m = result.Metrics;
        return new SimulationSummary(result.Policy, trace, result.Cluster.ToString(), result.Options.RoundSeconds,
            m.MakespanHours, m.AverageJctHours,
            m.GeometricMeanJctSeconds / 3600, m.WorstRho, m.UnfairFraction, m.WorstThemisRho, m.Utilization,
                m.ContentionFactor, result.Rounds.Count,
            result.WallTime.TotalSeconds, result.SchedulerStatistics,
            result.Jobs.Select((j, i) =>
                new Job(j.Id, j.JobType, j.ScaleFactor, j.Mode, j.Arrival, j.Start, j.Completion, j.Jct / 3600,
                j.GpuSeconds / 3600,
                j.RoundsScheduled, j.IsolatedSeconds / 3600, m.Rho[i], m.ThemisRho[i])).ToArray());
    }
}
