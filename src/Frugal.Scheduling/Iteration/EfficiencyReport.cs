namespace Frugal.Scheduling.Iteration;

/// <summary>
/// The JigSaw metrics of one run (§4.4). Cluster efficiency E = Σ_j W_j·(effective samples_j / isolated
/// samples-per-second_j on its W_j GPUs) / (G·makespan): useful isolated GPU-seconds per available GPU-second.
/// Every job reaches its target, so the numerator is the same for any schedule of a trace and E compares makespans
/// weighted by the work done.
/// </summary>
/// <param name="ClusterEfficiency">E.</param>
/// <param name="ComputeUtilization">GPU compute busy time over G·makespan.</param>
/// <param name="MemoryUtilization">Time-averaged memory in use over the GPUs' memory.</param>
/// <param name="SharedGpuFraction">GPU time on GPUs shared by two or more jobs over G·makespan.</param>
/// <param name="AllReduceBytes">Bytes all all-reduces sent.</param>
/// <param name="MeanSigma">σ averaged over all iterations of multi-GPU jobs.</param>
/// <param name="EffectiveIterationRatio">Effective over raw iterations (1 − κ·σ averaged).</param>
/// <param name="SigmaHistogram">The fraction of multi-GPU iterations run at each realised σ.</param>
/// <param name="PeakBusyShare">The largest busy compute share of any GPU in any interval (at most 1).</param>
/// <param name="PeakSharedMemoryBytes">The most memory any shared GPU held.</param>
/// <param name="Decisions">Decision points (intervals simulated).</param>
public sealed record EfficiencyReport(double ClusterEfficiency, double ComputeUtilization, double MemoryUtilization,
    double SharedGpuFraction, double AllReduceBytes, double MeanSigma, double EffectiveIterationRatio,
    IReadOnlyDictionary<double, double> SigmaHistogram, double PeakBusyShare, double PeakSharedMemoryBytes,
    int Decisions)
{
    internal static EfficiencyReport From(IReadOnlyList<IterationJob> jobs, IterationSimulator.RunState run, int gpus,
        double makespan, JigSawOptions options)
    {
        var capacity = gpus * makespan;
        var useful = jobs.Sum(j => j.Workers * j.IsolatedSeconds);
        var multi = jobs.Where(j => j.Workers > 1).ToArray();
        var raw = multi.Sum(j => j.RawIterations);
        var histogram = multi.SelectMany(j => j.SigmaIterations).GroupBy(p => p.Key)
            .OrderBy(g => g.Key).ToDictionary(g => g.Key, g => raw > 0 ? g.Sum(p => p.Value) / raw : 0);
        return new EfficiencyReport(useful / capacity, run.ComputeGpuSeconds / capacity,
            run.MemoryGpuSeconds / capacity, run.SharedGpuSeconds / capacity, jobs.Sum(j => j.AllReduceBytes),
            raw > 0 ? multi.Sum(j => j.SigmaIterations.Sum(p => p.Key * p.Value)) / raw : 0,
            jobs.Sum(j => j.EffectiveIterations) / jobs.Sum(j => j.RawIterations), histogram, run.PeakBusy,
            run.PeakSharedMemory, run.Rounds.Count);
    }

    /// <summary>The report as the scheduler statistics of a <see cref="Simulation.SimulationResult"/>.</summary>
    public IReadOnlyDictionary<string, double> Statistics() => new Dictionary<string, double>
    {
        ["clusterEfficiency"] = ClusterEfficiency,
        ["computeUtilization"] = ComputeUtilization,
        ["memoryUtilization"] = MemoryUtilization,
        ["sharedGpuFraction"] = SharedGpuFraction,
        ["allReduceGB"] = AllReduceBytes / 1e9,
        ["meanSigma"] = MeanSigma,
        ["effectiveIterationRatio"] = EffectiveIterationRatio,
        ["decisions"] = Decisions,
    };
}
