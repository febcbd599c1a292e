namespace Frugal.Scheduling.Policies;

/// <summary>Small pieces several policies share.</summary>
internal static class PolicyMath
{
    /// <summary>An allocation with an explicit 0 for every active job on every worker type.</summary>
    public static Allocation Zero(PolicyInput input)
    {
        var allocation = new Allocation();
        foreach (var job in input.Jobs)
            foreach (var type in input.WorkerTypes)
                allocation[job.Id, type] = 0;
        return allocation;
    }

    /// <summary>Whether the job has a positive throughput on some worker type that has GPUs at all.</summary>
    public static bool CanRun(JobView job, PolicyInput input) =>
        input.WorkerTypes.Any(w => input.Cluster[w] > 0 && job.ThroughputOn(w) > 0);

    /// <summary>The job's best throughput over all worker types (0 when it can run nowhere).</summary>
    public static double BestThroughput(JobView job, PolicyInput input) =>
        input.WorkerTypes.Select(job.ThroughputOn).DefaultIfEmpty(0).Max();

    /// <summary>
    /// Gavel's isolated ("equal share") allocation row for a job: n_w/(m·sf_j) of every worker
    /// type, the row scaled down so that it sums to at most 1. Like the reference, the row sum
    /// counts worker types the job cannot run on; such entries carry no throughput.
    /// </summary>
    public static double[] IsolatedShare(JobView job, PolicyInput input)
    {
        var m = input.Jobs.Count;
        var row = input.WorkerTypes.Select(w => (double)input.Cluster[w] / (m * job.ScaleFactor)).ToArray();
        var scale = Math.Max(row.Sum(), 1);
        return row.Select(x => x / scale).ToArray();
    }

    /// <summary>Σ_w tput_jw·share[w]: the throughput a job would get from an allocation row.</summary>
    public static double Throughput(JobView job, PolicyInput input, IReadOnlyList<double> share) =>
        input.WorkerTypes.Select((w, i) => job.ThroughputOn(w) * share[i]).Sum();
}
