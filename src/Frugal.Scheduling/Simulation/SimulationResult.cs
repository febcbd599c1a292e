namespace Frugal.Scheduling.Simulation;

/// <summary>What happened to one job.</summary>
public sealed record JobOutcome(
    int Id,
    string JobType,
    int ScaleFactor,
    string Mode,
    double Arrival,
    double Start,
    double Completion,
    double GpuSeconds,
    int RoundsScheduled,
    double IsolatedSeconds,
    double MeanActiveJobs)
{
    public double Jct => Completion - Arrival;
}

/// <summary>
/// One round: when it started, how long it lasted, who held which GPUs, the GPU time they held
/// and the part of it spent training (the rest went to restart overheads).
/// </summary>
public sealed record RoundRecord(int Index, double Start, double Seconds, IReadOnlyList<(int JobId, string WorkerType, int Gpus)> Placements,
    double BusyGpuSeconds, double TrainingGpuSeconds)
{
    public int GpusHeld => Placements.Sum(p => p.Gpus);
}

/// <summary>The outcome of a simulation: per job, per round, and the metrics derived from them.</summary>
public sealed record SimulationResult(
    string Policy,
    ClusterSpec Cluster,
    SimulationOptions Options,
    IReadOnlyList<JobOutcome> Jobs,
    IReadOnlyList<RoundRecord> Rounds,
    ScheduleMetrics Metrics,
    TimeSpan WallTime,
    IReadOnlyDictionary<string, double> SchedulerStatistics);
