using Frugal.Core.Catalogs;

namespace Frugal.Scheduling.GpuPlacement;

/// <summary>Decides, each round, which GPUs every job in the scheduler's order runs on.</summary>
public interface IPlacementPolicy
{
    /// <summary>Job id → its GPUs, for every job that runs this round; the others wait.</summary>
    /// <param name="order">The active jobs in the scheduler's order, each with the GPUs it ran on last round.</param>
    /// <param name="cluster">The GPUs and their slowdowns.</param>
    IReadOnlyDictionary<int, int[]> Place(IReadOnlyList<ActiveJob> order, PlacementCluster cluster);
}

/// <summary>The placement policies by name.</summary>
public static class PlacementPolicies
{
    /// <summary>
    /// pal, pm-first (hal-uw/blox-pal:placement/pal.py, pmfirst.py), packed-sticky (placement/packing_sticky.py,
    /// Default-Packed-S) and packed-non-sticky (packing_nonsticky.py, Default-Packed-NS: the baseline the artifact's
    /// plots label "Packed-Sticky").
    /// </summary>
    public static Catalog<Func<IPlacementPolicy>> Catalog { get; } = new Catalog<Func<IPlacementPolicy>>("placement")
        .Add("pal", () => new VariabilityAwarePlacement(localityAware: true),
            "PAL: PM-First plus the locality × variability order for jobs that fit on a node")
        .Add("pm-first", () => new VariabilityAwarePlacement(localityAware: false),
            "PM-First: least slowdown first, best-matching node next")
        .Add("packed-sticky", () => new PackedPlacement(sticky: true),
            "running jobs keep their GPUs; new ones packed onto the fewest nodes")
        .Add("packed-non-sticky", () => new PackedPlacement(sticky: false),
            "every job packed anew each round (the artifact's plotted baseline)");
}

/// <summary>Free GPUs, grouped by node in node order, each node's GPUs in id order.</summary>
internal sealed class FreeGpus
{
    private readonly bool[] _used;
    private readonly GpuTable _table;

    public FreeGpus(GpuTable table)
    {
        _table = table;
        _used = new bool[table.Gpus.Count];
    }

    public void Take(IEnumerable<int> gpus) { foreach (var g in gpus) _used[g] = true; }

    public void Release(IEnumerable<int> gpus) { foreach (var g in gpus) _used[g] = false; }

    public int[] All() => [.. _table.Gpus.Where(g => !_used[g.Id]).Select(g => g.Id)];

    public IReadOnlyList<(int Node, int[] Gpus)> ByNode() =>
        [.. _table.Gpus.Where(g => !_used[g.Id]).GroupBy(g => g.Node).OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Select(x => x.Id).ToArray()))];
}

/// <summary>
/// Blox's packed placement: a node with exactly the GPUs needed, else the node with the fewest free GPUs that still
/// holds the job, else GPUs from the nodes with the most free GPUs first. Sticky: running jobs keep their GPUs and a
/// job that does not fit preempts running jobs from the end of the order until it does. Non-sticky: every job is
/// placed anew each round. Both stop at the first job that does not fit (head-of-line blocking).
/// </summary>
internal sealed class PackedPlacement(bool sticky) : IPlacementPolicy
{
    public IReadOnlyDictionary<int, int[]> Place(IReadOnlyList<ActiveJob> order, PlacementCluster cluster)
    {
        var free = new FreeGpus(cluster.Table);
        var placed = new Dictionary<int, int[]>();
        if (sticky)
            foreach (var job in order.Where(j => j.Gpus is not null))
            {
                placed[job.Job.Id] = job.Gpus!;
                free.Take(job.Gpus!);
            }
        for (var i = 0; i < order.Count; i++)
        {
            var job = order[i].Job;
            if (placed.ContainsKey(job.Id)) continue;
            var pick = Consolidated(job.Gpus, free);
            // Sticky only: preempt running jobs later in the order, last first, until the job fits.
            for (var r = order.Count - 1; pick is null && sticky && r > i; r--)
            {
                if (!placed.Remove(order[r].Job.Id, out var gpus)) continue;
                free.Release(gpus);
                pick = Consolidated(job.Gpus, free);
            }
            if (pick is null) break;
            placed[job.Id] = pick;
            free.Take(pick);
        }
        return placed;
    }

    /// <summary>hal-uw/blox-pal:placement/packing_sticky.py, _consolidated_placement.</summary>
    internal static int[]? Consolidated(int n, FreeGpus free)
    {
        var nodes = free.ByNode();
        foreach (var (_, gpus) in nodes)
            if (gpus.Length == n) return gpus;
        var tightest = nodes.Where(x => x.Gpus.Length >= n).OrderBy(x => x.Gpus.Length).FirstOrDefault();
        if (tightest.Gpus is not null) return tightest.Gpus[..n];
        if (nodes.Sum(x => x.Gpus.Length) < n) return null;
        var counts = nodes.Select(x => x.Gpus.Length).ToArray();
        var pick = new List<int>();
        while (pick.Count < n)
        {
            // Counter.most_common(1): the largest count, the earliest node on ties.
            var k = Array.IndexOf(counts, counts.Max());
            var take = Math.Min(counts[k], n - pick.Count);
            pick.AddRange(nodes[k].Gpus[..take]);
            counts[k] -= take;
        }
        return [.. pick];
    }
}

/// <summary>
/// PM-First and PAL (§2.2 steps 3 and 4): every round all jobs are released; the prefix of the order whose GPU demand
/// fits the cluster is stably re-sorted by class (A, B, C, D), the rest follows; each job is placed in turn until one
/// does not fit. PM-First takes GPUs by (slowdown, locality score); PAL, for a job that fits on one node, walks the
/// L×V order first.
/// </summary>
internal sealed class VariabilityAwarePlacement(bool localityAware) : IPlacementPolicy
{
    public IReadOnlyDictionary<int, int[]> Place(IReadOnlyList<ActiveJob> order, PlacementCluster cluster)
    {
        var free = new FreeGpus(cluster.Table);
        var placed = new Dictionary<int, int[]>();
        foreach (var job in ClassSorted(order, cluster.Table.Gpus.Count))
        {
            var pick = Pick(job, free.All(), cluster);
            if (pick is null) break;
            placed[job.Id] = pick;
            free.Take(pick);
        }
        return placed;
    }

    /// <summary>The prefix of the order that fits in the cluster, stably sorted by class; then the rest.</summary>
    internal static IReadOnlyList<PlacementJob> ClassSorted(IReadOnlyList<ActiveJob> order, int clusterSize)
    {
        var prefix = 0;
        for (var demand = 0; prefix < order.Count && (demand += order[prefix].Job.Gpus) <= clusterSize; prefix++) { }
        return [.. order.Take(prefix).Select(j => j.Job).OrderBy(j => j.Class, StringComparer.Ordinal),
            .. order.Skip(prefix).Select(j => j.Job)];
    }

    internal int[]? Pick(PlacementJob job, int[] free, PlacementCluster cluster)
    {
        var n = job.Gpus;
        var sf = cluster.Slowdowns(job.Class);
        if (!localityAware || n == 1 || n > cluster.Table.GpusPerNode) return PmFirst(free, n, sf, cluster.Table);
        foreach (var cell in cluster.Order(job.Class))
        {
            var eligible = free.Where(g => sf[g] <= cell.Slowdown).ToArray();
            var pick = cell.WithinNode ? BestOnOneNode(eligible, n, sf, cluster.Table) : PmFirst(eligible, n, sf,
                cluster.Table);
            if (pick is not null) return pick;
        }
        return null;
    }

    /// <summary>
    /// PM-First: locality score = |free GPUs sharing the GPU's (slowdown, node) − n|; sort by (slowdown, score),
    /// ties by GPU id, and take the first n. Null when fewer than n GPUs are given.
    /// </summary>
    internal static int[]? PmFirst(int[] gpus, int n, IReadOnlyList<double> sf, GpuTable table)
    {
        if (gpus.Length < n) return null;
        var group = gpus.GroupBy(g => (sf[g], table.Gpus[g].Node)).ToDictionary(x => x.Key, x => x.Count());
        return [.. gpus.OrderBy(g => sf[g]).ThenBy(g => Math.Abs(group[(sf[g], table.Gpus[g].Node)] - n))
            .ThenBy(g => g).Take(n)];
    }

    /// <summary>
    /// PAL's within-node cell: on the nodes with at least n of the given GPUs (most such GPUs first, then node id),
    /// every n-combination; the one with the smallest largest slowdown, the first on ties. Null when no node has n.
    /// </summary>
    internal static int[]? BestOnOneNode(int[] gpus, int n, IReadOnlyList<double> sf, GpuTable table)
    {
        int[]? best = null;
        var bestMax = double.PositiveInfinity;
        var nodes = gpus.GroupBy(g => table.Gpus[g].Node).Where(x => x.Count() >= n)
            .OrderByDescending(x => x.Count()).ThenBy(x => x.Key);
        foreach (var node in nodes)
            foreach (var combo in Combinations([.. node.Order()], n))
            {
                var max = combo.Max(g => sf[g]);
                if (max < bestMax) (best, bestMax) = (combo, max);
            }
        return best;
    }

    /// <summary>The n-combinations of <paramref name="items"/> in lexicographic order (as itertools).</summary>
    internal static IEnumerable<int[]> Combinations(int[] items, int n)
    {
        var index = Enumerable.Range(0, n).ToArray();
        while (true)
        {
            yield return [.. index.Select(i => items[i])];
            var k = n - 1;
            while (k >= 0 && index[k] == items.Length - n + k) k--;
            if (k < 0) yield break;
            index[k]++;
            for (var j = k + 1; j < n; j++) index[j] = index[j - 1] + 1;
        }
    }
}
