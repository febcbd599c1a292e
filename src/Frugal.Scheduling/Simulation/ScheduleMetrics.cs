using Frugal.Core.Statistics;

namespace Frugal.Scheduling.Simulation;

/// <summary>
/// The Shockwave paper's metrics, as its artifact computes them. Finish-time fairness
/// ρ_j = JCT_j / (T_iso_j · c) with the static contention factor c = max(1, jobs in trace / GPUs);
/// the Themis-style variant uses instead the mean number of active jobs over the job's rounds / GPUs.
/// Utilisation is the GPU time spent training (restart overheads excluded) over GPUs × makespan.
/// </summary>
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

    public double WorstRho => Rho.Max();
    public double UnfairFraction => Rho.Count(r => r > UnfairThreshold) / (double)Rho.Count;
    public double WorstThemisRho => ThemisRho.Max();
    public double MakespanHours => MakespanSeconds / 3600;
    public double AverageJctHours => AverageJctSeconds / 3600;

    public static ScheduleMetrics From(IReadOnlyList<JobOutcome> jobs, IReadOnlyList<RoundRecord> rounds, int totalGpus)
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
