using Frugal.Core.Statistics;

namespace Frugal.Scheduling.Simulation;

/// <summary>
/// The Shockwave paper's metrics, as its artifact computes them. Finish-time fairness
/// ρ_j = JCT_j / (T_iso_j · c) with the static contention factor c = max(1, jobs in trace / GPUs);
/// the Themis-style variant uses instead the mean number of active jobs over the job's rounds / GPUs.
/// Utilisation is the GPU time spent training (restart overheads excluded) over GPUs × makespan.
/// </summary>
/// <param name="MakespanSeconds">When the last job completed, in simulated seconds from time 0.</param>
/// <param name="AverageJctSeconds">The mean job completion time (completion − arrival).</param>
/// <param name="GeometricMeanJctSeconds">The geometric mean of the job completion times.</param>
/// <param name="ContentionFactor">c = max(1, jobs in trace / GPUs).</param>
/// <param name="Rho">Each job's finish-time fairness ρ, in the order of the jobs.</param>
/// <param name="ThemisRho">Each job's Themis-style ρ, in the order of the jobs.</param>
/// <param name="Utilization">Training GPU time over GPUs × makespan, from 0 to 1.</param>
public sealed record ScheduleMetrics(
    double MakespanSeconds,
    double AverageJctSeconds,
    double GeometricMeanJctSeconds,
    double ContentionFactor,
    IReadOnlyList<double> Rho,
    IReadOnlyList<double> ThemisRho,
    double Utilization)
{
    /// <summary>A job is treated unfairly when its ρ exceeds this.</summary>
    public const double UnfairThreshold = 1.05;

    /// <summary>The largest ρ: how far the worst-treated job fell behind its fair finish time.</summary>
    public double WorstRho => Rho.Max();
    /// <summary>The fraction of jobs whose ρ exceeds <see cref="UnfairThreshold"/>.</summary>
    public double UnfairFraction => Rho.Count(r => r > UnfairThreshold) / (double)Rho.Count;
    /// <summary>The largest Themis-style ρ.</summary>
    public double WorstThemisRho => ThemisRho.Max();
    /// <summary><see cref="MakespanSeconds"/> in hours, as the paper reports it.</summary>
    public double MakespanHours => MakespanSeconds / 3600;
    /// <summary><see cref="AverageJctSeconds"/> in hours, as the paper reports it.</summary>
    public double AverageJctHours => AverageJctSeconds / 3600;

    /// <summary>
    /// The metrics of a finished simulation of <paramref name="jobs"/> on <paramref name="totalGpus"/> GPUs.
    /// </summary>
    /// <exception cref="ArgumentException">No job completed.</exception>
    internal static ScheduleMetrics From(IReadOnlyList<JobOutcome> jobs, IReadOnlyList<RoundRecord> rounds,
        int totalGpus)
    {
        if (jobs.Count == 0) throw new ArgumentException("no jobs completed.", nameof(jobs));
        var jct = jobs.Select(j => j.Jct).ToArray();
        var contention = Math.Max(1.0, jobs.Count / (double)totalGpus);
        var makespan = jobs.Max(j => j.Completion);
        var training = rounds.Sum(r => r.TrainingGpuSeconds);
        return new ScheduleMetrics(
            makespan,
            Summary.Mean(jct),
            Summary.GeometricMean(jct),
            contention,
            jobs.Select(j => j.Jct / (j.IsolatedSeconds * contention)).ToArray(),
            jobs.Select(j => j.Jct / (j.IsolatedSeconds * Math.Max(1.0, j.MeanActiveJobs / totalGpus))).ToArray(),
            makespan > 0 ? training / (totalGpus * makespan) : 0);
    }
}
