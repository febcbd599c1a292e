namespace Frugal.Scheduling.Policies;

/// <summary>
/// The non-preemptive packing FIFO and SRTF share (Gavel's FIFO in "perf" mode): walk the jobs
/// in the given order and give each X = 1 on its fastest worker type among those with at least
/// sf free GPUs (gang: all or nothing).
/// </summary>
internal static class GreedyPacking
{
    public static Allocation Pack(PolicyInput input, IEnumerable<JobView> order)
    {
        var allocation = PolicyMath.Zero(input);
        var free = input.WorkerTypes.ToDictionary(w => w, w => input.Cluster[w]);
        foreach (var job in order)
        {
            if (free.Values.All(n => n <= 0)) break;
            var fitting = input.WorkerTypes.Where(w => free[w] >= job.ScaleFactor).ToList();
            if (fitting.Count == 0)
            {
                // As in the reference, a job that does not fit now stops the scan: later (or
                // shorter) jobs may not jump ahead of it, so small jobs cannot starve a big one.
                // A job that could not fit even in the empty cluster is passed over instead, so
                // that it cannot block everyone forever.
                if (input.WorkerTypes.Any(w => input.Cluster[w] >= job.ScaleFactor && job.ThroughputOn(w) > 0)) break;
                continue;
            }
            // MaxBy keeps the first of equal maxima, i.e. the ordinal-first worker type.
            var best = fitting.MaxBy(job.ThroughputOn)!;
            // A job with no throughput on the best fitting type is passed over, not a blocker.
            if (job.ThroughputOn(best) <= 0) continue;
            allocation[job.Id, best] = 1;
            free[best] -= job.ScaleFactor;
        }
        return allocation;
    }
}
