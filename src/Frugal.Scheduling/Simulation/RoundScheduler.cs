using Frugal.Scheduling.Policies;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Simulation;

/// <summary>What a round scheduler sees of one active job.</summary>
/// <param name="View">The policy-facing view: current batch size, throughputs, remaining steps.</param>
/// <param name="Spec">The job as the trace gives it.</param>
/// <param name="EpochsCompleted">Whole epochs finished so far.</param>
/// <param name="ObservedBatchSizes">The batch size of each epoch begun so far; future ones are not revealed.</param>
/// <param name="BatchSizeChanged">The batch size changed at the start of this round.</param>
/// <param name="LastRound">Where and how long the job ran in the previous round, if it ran.</param>
public sealed record ActiveJob(
    JobView View,
    JobSpec Spec,
    int EpochsCompleted,
    IReadOnlyList<int> ObservedBatchSizes,
    bool BatchSizeChanged,
    (string WorkerType, double Seconds)? LastRound);

/// <summary>The cluster at the start of a round.</summary>
/// <param name="Round">The round's index, from 0.</param>
/// <param name="Now">When the round starts, in simulated seconds.</param>
/// <param name="RoundSeconds">The round's length; a job that finishes early leaves its GPUs idle until it ends.</param>
/// <param name="Jobs">The jobs that have arrived and not finished, in arrival order.</param>
/// <param name="Cluster">The GPUs that can be placed.</param>
/// <param name="JobSetChanged">Jobs arrived or completed since the previous round.</param>
public sealed record RoundState(int Round, double Now, double RoundSeconds, IReadOnlyList<ActiveJob> Jobs,
    ClusterSpec Cluster, bool JobSetChanged);

/// <summary>One job placed for the coming round: it runs on ScaleFactor GPUs of the worker type.</summary>
/// <param name="JobId">The job's id in the trace.</param>
/// <param name="WorkerType">The GPU type it runs on this round.</param>
public readonly record struct Placement(int JobId, string WorkerType);

/// <summary>Decides, round by round, which jobs run on which GPU type. The simulator checks gang feasibility.</summary>
public interface IRoundScheduler
{
    /// <summary>The policy name the results record, e.g. <c>shockwave</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Counters of the scheduler's own work (re-allocations, solves, solve times), for the run's record.
    /// </summary>
    IReadOnlyDictionary<string, double> Statistics { get; }

    /// <summary>The jobs to run in the coming round and where; at most one placement per job.</summary>
    /// <remarks>
    /// The simulator rejects, with <see cref="InvalidOperationException"/>, a plan that places a job twice, places
    /// one that is not active, or uses more GPUs of a type than the cluster has: that is a bug of the scheduler.
    /// </remarks>
    IReadOnlyList<Placement> Plan(RoundState state);

    /// <summary>
    /// Rejects, before a simulation starts, a cluster the scheduler cannot plan for; by default every cluster is fine.
    /// </summary>
    /// <exception cref="Core.Errors.BadInputException">
    /// The scheduler cannot plan for <paramref name="cluster"/>.
    /// </exception>
    void CheckCluster(ClusterSpec cluster)
    {
    }
}
