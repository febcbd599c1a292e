namespace Frugal.Scheduling.Policies;

/// <summary>
/// Gandiva-Fair as the Shockwave baseline codes it: every active job gets the same share
/// n_w/m of every worker type, each row scaled so that Σ_w X[j,w] ≤ 1. Unlike Gavel's
/// isolated policy the share is not divided by the scale factor, so a gang job gets as much
/// time as a 1-GPU job.
/// </summary>
internal sealed class GandivaFairPolicy : IAllocationPolicy
{
    public string Name => "gandiva_fair";

    public Allocation Allocate(PolicyInput input)
    {
        var types = input.WorkerTypes;
        var m = input.Jobs.Count;
        var shares = input.Jobs.Select(job =>
        {
            // No time on a worker type the job cannot run on (the reference gives it anyway).
            var row = types.Select(w => job.ThroughputOn(w) > 0 ? (double)input.Cluster[w] / m : 0).ToArray();
            var scale = Math.Max(row.Sum(), 1);
            return row.Select(x => x / scale).ToArray();
        }).ToArray();

        // Without the division by sf the rows can ask for more GPUs than a type has (two 4-GPU
        // jobs on 4 GPUs both get X = 1). The reference leaves that to the packer; we scale each
        // over-committed column down uniformly so the allocation itself stays feasible and every
        // job keeps the same share of that type.
        for (var w = 0; w < types.Count; w++)
        {
            var demand = input.Jobs.Select((job, j) => job.ScaleFactor * shares[j][w]).Sum();
            if (demand <= input.Cluster[types[w]]) continue;
            var scale = input.Cluster[types[w]] / demand;
            foreach (var row in shares) row[w] *= scale;
        }

        var allocation = PolicyMath.Zero(input);
        for (var j = 0; j < m; j++)
            for (var w = 0; w < types.Count; w++)
                allocation[input.Jobs[j].Id, types[w]] = shares[j][w];
        return allocation;
    }
}
