namespace Frugal.Scheduling.Simulation;

/// <summary>What happened to one job; times are simulated seconds from the start of the trace.</summary>
/// <param name="Id">The job's id in the trace.</param>
/// <param name="JobType">The job type it started with, e.g. <c>ResNet-18 (batch size 32)</c>.</param>
/// <param name="ScaleFactor">The GPUs it ran on at once.</param>
/// <param name="Mode">Its batch-size adaptation mode, as traces name it.</param>
/// <param name="Arrival">When it arrived.</param>
/// <param name="Start">When it first ran.</param>
/// <param name="Completion">When it finished.</param>
/// <param name="GpuSeconds">The GPU time it held, restart overheads included.</param>
/// <param name="RoundsScheduled">The rounds it was placed in.</param>
/// <param name="IsolatedSeconds">How long it would take alone on its best GPU type: the base of its ρ.</param>
/// <param name="MeanActiveJobs">The mean number of active jobs over the rounds it was present (for Themis' ρ).</param>
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
    /// <summary>Job completion time: completion − arrival.</summary>
    public double Jct => Completion - Arrival;
}

/// <summary>
/// One round: when it started, how long it lasted, who held which GPUs, the GPU time they held
/// and the part of it spent training (the rest went to restart overheads).
/// </summary>
/// <param name="Index">The round's index, from 0.</param>
/// <param name="Start">When it started, in simulated seconds.</param>
/// <param name="Seconds">How long it lasted.</param>
/// <param name="Placements">Each placed job with its worker type and GPU count.</param>
/// <param name="BusyGpuSeconds">The GPU time the placed jobs held.</param>
/// <param name="TrainingGpuSeconds">The part of <paramref name="BusyGpuSeconds"/> spent training.</param>
public sealed record RoundRecord(int Index, double Start, double Seconds,
    IReadOnlyList<(int JobId, string WorkerType, int Gpus)> Placements,
    double BusyGpuSeconds, double TrainingGpuSeconds)
{
    /// <summary>GPUs held in this round, of all types.</summary>
    public int GpusHeld => Placements.Sum(p => p.Gpus);
}

/// <summary>The outcome of a simulation: per job, per round, and the metrics derived from them.</summary>
/// <param name="Policy">The scheduler's name.</param>
/// <param name="Cluster">The GPUs.</param>
/// <param name="Options">The round mechanics.</param>
/// <param name="Jobs">One outcome per job, in trace order.</param>
/// <param name="Rounds">Every round, in order.</param>
/// <param name="Metrics">The paper's metrics of this run.</param>
/// <param name="WallTime">How long the simulation took to compute (not simulated time).</param>
/// <param name="SchedulerStatistics">The scheduler's own counters (<see cref="IRoundScheduler.Statistics"/>).</param>
public sealed record SimulationResult(
    string Policy,
    ClusterSpec Cluster,
    SimulationOptions Options,
    IReadOnlyList<JobOutcome> Jobs,
    IReadOnlyList<RoundRecord> Rounds,
    ScheduleMetrics Metrics,
    TimeSpan WallTime,
    IReadOnlyDictionary<string, double> SchedulerStatistics);
