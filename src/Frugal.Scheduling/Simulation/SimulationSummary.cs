using System.Text.Json;
using Frugal.Core.Results;

namespace Frugal.Scheduling.Simulation;

/// <summary>The JSON form of a simulation: its metrics and one record per job (times in hours unless named otherwise).</summary>
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
    public sealed record Job(int Id, string JobType, int Gpus, string Mode, double ArrivalSeconds, double StartSeconds, double CompletionSeconds,
        double JctHours, double GpuHours, int RoundsScheduled, double IsolatedHours, double Ftf, double ThemisFtf);

    /// <summary>This summary as JSON in the house convention (<see cref="ResultJson.Options"/>).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ResultJson.Options);

    /// <summary>The summary of <paramref name="result"/>, a simulation of <paramref name="trace"/>.</summary>
    public static SimulationSummary From(SimulationResult result, string trace)
    {
        var m = result.Metrics;
        return new SimulationSummary(result.Policy, trace, result.Cluster.ToString(), result.Options.RoundSeconds, m.MakespanHours, m.AverageJctHours,
            m.GeometricMeanJctSeconds / 3600, m.WorstRho, m.UnfairFraction, m.WorstThemisRho, m.Utilization, m.ContentionFactor, result.Rounds.Count,
            result.WallTime.TotalSeconds, result.SchedulerStatistics,
            result.Jobs.Select((j, i) => new Job(j.Id, j.JobType, j.ScaleFactor, j.Mode, j.Arrival, j.Start, j.Completion, j.Jct / 3600, j.GpuSeconds / 3600,
                j.RoundsScheduled, j.IsolatedSeconds / 3600, m.Rho[i], m.ThemisRho[i])).ToArray());
    }
}
