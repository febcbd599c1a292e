namespace Frugal.Scheduling.Reporting;

/// <summary>One policy's row of a published results table.</summary>
/// <param name="MakespanHours">When the last job completed.</param>
/// <param name="AverageJctHours">The mean job completion time.</param>
/// <param name="WorstRho">The largest finish-time fairness ρ.</param>
/// <param name="UnfairPercent">The percentage of jobs with ρ above 1.05.</param>
/// <param name="Utilization">Training GPU time over GPUs × makespan, from 0 to 1.</param>
public sealed record PublishedRow(double MakespanHours, double AverageJctHours, double WorstRho, double UnfairPercent,
    double Utilization);

/// <summary>Results the Shockwave paper's artifact reports, for side-by-side comparison.</summary>
internal static class PublishedResults
{
    /// <summary>
    /// The canonical 120-job trace on 32 V100s, simulated (uw-mad-dash/shockwave,
    /// reproduce/pickles/tacc_32gpus; ../shared/design/shockwave.md §6), by our policy names.
    /// </summary>
    public static IReadOnlyDictionary<string, PublishedRow> Tacc32 { get; } = new Dictionary<string, PublishedRow>
    {
        ["shockwave"] = new(6.72, 2.77, 1.78, 5.0, 0.817),
        ["min_total_duration"] = new(6.72, 5.50, 7.74, 74.2, 0.816),
        ["finish_time_fairness"] = new(8.87, 3.14, 3.44, 22.5, 0.619),
        ["max_min_fairness"] = new(9.22, 3.13, 2.95, 25.0, 0.595),
        ["allox"] = new(9.02, 2.76, 4.96, 27.5, 0.608),
        ["max_sum_throughput"] = new(8.86, 2.68, 4.98, 25.0, 0.619),
        ["gandiva_fair"] = new(8.99, 3.49, 1.85, 51.7, 0.61),
    };
}
