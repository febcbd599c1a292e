namespace Frugal.Provisioning.Simulation;

/// <summary>
/// A job inside the queue simulator: what it asks for (nodes, time limit), how long it really
/// runs, and, once simulated, when it started and ended.
/// </summary>
internal sealed class SimJob
{
    public SimJob(string id, long submit, long limitSeconds, long runtimeSeconds, int nodes, string partition =
        Traces.SlurmJob.DefaultPartition)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limitSeconds, 1);
        Id = id;
        Submit = submit;
        Eligible = submit;
        LimitSeconds = limitSeconds;
        // Slurm kills a job at its limit, so no replayed runtime exceeds it.
        RuntimeSeconds = Math.Clamp(runtimeSeconds, 0, limitSeconds);
        Nodes = nodes;
        Partition = partition;
    }

    public string Id { get; }
    public long Submit { get; }

    /// <summary>
    /// When the job may start: its submit time, a later logged eligibility, or (with <see cref="AfterAny"/>) its
    /// predecessor's end.
    /// </summary>
    public long? Eligible { get; internal set; }

    public long LimitSeconds { get; }
    public long RuntimeSeconds { get; }
    public int Nodes { get; }
    public string Partition { get; }

    /// <summary>Slurm's <c>--dependency=afterany:ID</c>: the job becomes eligible only when this one ends.</summary>
    public SimJob? AfterAny { get; private init; }

    /// <summary>A fixed priority to replay instead of the multifactor one (the trace's logged value).</summary>
    public double? FixedPriority { get; init; }

    public long? Start { get; internal set; }
    public long? End => Start + RuntimeSeconds;

    /// <summary>
    /// When backfill plans this job to free its nodes: start plus the requested limit, not the (unknown to Slurm)
    /// runtime.
    /// </summary>
    internal long PlannedEnd => Start!.Value + LimitSeconds;

    public long? WaitSeconds => Start - Submit;

    /// <summary>A job that waits for <paramref name="predecessor"/> to end before it is eligible.</summary>
    public static SimJob After(SimJob predecessor, string id, long submit, long limitSeconds, long runtimeSeconds,
        int nodes, double? fixedPriority = null,
        string partition = Traces.SlurmJob.DefaultPartition) =>
        new(id, submit, limitSeconds, runtimeSeconds, nodes, partition)
        {
            AfterAny = predecessor,
            Eligible = null,
            FixedPriority = fixedPriority,
        };

    public override string ToString() => $"{Id} ({Nodes} nodes, limit {LimitSeconds} s)";
}
