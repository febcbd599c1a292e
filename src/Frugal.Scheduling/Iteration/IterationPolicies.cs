namespace Frugal.Scheduling.Iteration;

/// <summary>Decides, at each decision point, which jobs run where and at which σ.</summary>
internal interface IIterationPolicy
{
    /// <summary>The name results record.</summary>
    string Name { get; }

    /// <summary>The placements for the coming interval.</summary>
    /// <param name="ordered">The active jobs in the base policy's order.</param>
    JobPlacement[] Plan(IReadOnlyList<IterationJob> ordered);
}

/// <summary>
/// The baseline: the base order with SPB off. Each job in order takes W free GPUs (the lowest-numbered) of the
/// fastest GPU type for it that has W free; the first job that fits no type stops the scan, as the round
/// simulator's FIFO and SRTF do, so small jobs cannot starve a large one.
/// </summary>
internal sealed class GangPolicy(string name, GpuPools pools, JigSawOptions options) : IIterationPolicy
{
    private readonly CoLocationModel _model = new(pools.Total, options);

    public string Name => name;

    public JobPlacement[] Plan(IReadOnlyList<IterationJob> ordered)
    {
        var free = new SortedSet<int>(Enumerable.Range(0, pools.Total));
        var plan = new List<PlannedJob>();
        foreach (var job in ordered)
        {
            if (FastestFree(job, pools, free) is not { } worker) break;
            plan.Add(new PlannedJob(job, job.Demand(worker, 0), TakeFree(pools, worker, free, job.Workers)));
        }
        return _model.Place(plan)!;
    }

    /// <summary>The fastest GPU type for <paramref name="job"/> with W free GPUs, or null.</summary>
    public static string? FastestFree(IterationJob job, GpuPools pools, SortedSet<int> free)
    {
        var open = job.GpuTypes.Where(w => pools.Of(w, free).Count >= job.Workers).ToArray();
        return open.Length == 0 ? null : job.Fastest(open);
    }

    /// <summary>The <paramref name="count"/> lowest-numbered free GPUs of <paramref name="worker"/>, removed from
    /// <paramref name="free"/>.</summary>
    public static int[] TakeFree(GpuPools pools, string worker, SortedSet<int> free, int count)
    {
        var taken = pools.Of(worker, free).Take(count).ToArray();
        foreach (var g in taken) free.Remove(g);
        return taken;
    }
}

/// <summary>
/// JigSaw (§4.3): the base order; each job is placed on free GPUs or packed onto GPUs whose jobs run with σ &gt; 0,
/// at the σ of its menu that gives the most goodput; then the σ of every SPB job is settled by cluster goodput.
/// </summary>
/// <remarks>
/// A job placed on free GPUs is provisionally offered at its largest σ, because what its freed capacity is worth
/// is known only once the later jobs are placed. The clean-up then puts back to σ = 0 every job that shares no
/// GPU (never take accuracy risk for nothing) and, for the others in plan order, keeps the σ of its menu (up to
/// the offer) that maximises Σ (1 − κσ)·samples / T_iter over the plan, ties to the lower σ.
/// </remarks>
internal sealed class JigSawPolicy(string name, GpuPools pools, JigSawOptions options) : IIterationPolicy
{
    private readonly CoLocationModel _model = new(pools.Total, options);

    public string Name => name;

    public JobPlacement[] Plan(IReadOnlyList<IterationJob> ordered)
    {
        var free = new SortedSet<int>(Enumerable.Range(0, pools.Total));
        var plan = new List<PlannedJob>();
        _model.Place(plan, out var load);
        foreach (var job in ordered)
        {
            if (free.Count == 0 && !plan.Any(p => p.Demand.Sigma > 0)) break;
            var worker = GangPolicy.FastestFree(job, pools, free);
            var alone = worker is null ? 0 : Goodput(job.Demand(worker, 0), 1, job);
            var (packed, packedGoodput, stretch) = BestPacking(job, plan, load, free);
            PlannedJob next;
            if (worker is not null && alone >= packedGoodput)
            {
                next = new PlannedJob(job, job.Demand(worker, job.Sigmas[^1]),
                    GangPolicy.TakeFree(pools, worker, free, job.Workers));
                stretch = 1;
            }
            else if (packed is not null)
            {
                next = packed;
                foreach (var g in packed.Gpus) free.Remove(g);
            }
            else break;
            plan.Add(next);
            CoLocationModel.Add(next, stretch, load);
        }
        return CleanUp(plan);
    }

    private static double Goodput(JobDemand demand, double stretch, IterationJob job) =>
        demand.Progress * job.Workers * job.BatchSize / (demand.IterationSeconds * stretch);

    /// <summary>
    /// The best placement of <paramref name="job"/> that shares at least one GPU with an SPB job: for each GPU type
    /// of the job and each σ, its workers, most demanding first, each on the fitting GPU of that type with the most
    /// compute left (free GPUs have all).
    /// </summary>
    private (PlannedJob? Job, double Goodput, double Stretch) BestPacking(IterationJob job, List<PlannedJob> plan,
        CoLocationModel.GpuLoad load, SortedSet<int> free)
    {
        var hosts = new HashSet<int>(plan.Where(p => p.Demand.Sigma > 0).SelectMany(p => p.Gpus));
        if (hosts.Count == 0) return (null, 0, 1);
        PlannedJob? best = null;
        double bestGoodput = 0, bestStretch = 1;
        foreach (var worker in job.GpuTypes)
        {
            var typeHosts = hosts.Where(g => pools.TypeOf(g) == worker).ToArray();
            if (typeHosts.Length == 0) continue;
            foreach (var sigma in job.Sigmas)
            {
                var demand = job.Demand(worker, sigma);
                if (Pack(job, demand, [.. pools.Of(worker, free).Concat(typeHosts).Distinct()], load) is not { } planned
                    || _model.StretchOf(planned, load) is not { } stretch) continue;
                var goodput = Goodput(demand, stretch, job);
                if (goodput > bestGoodput * (1 + 1e-12)) (best, bestGoodput, bestStretch) = (planned, goodput, stretch);
            }
        }
        return (best, bestGoodput, bestStretch);
    }

    /// <summary>
    /// The job's workers, most demanding first, each on the GPU of <paramref name="gpus"/> with the most compute
    /// left that has the memory; null if one does not fit or the job would share no GPU.
    /// </summary>
    private PlannedJob? Pack(IterationJob job, JobDemand demand, List<int> gpus, CoLocationModel.GpuLoad load)
    {
        var candidates = gpus.OrderByDescending(g => load.Jobs[g] == 0 ? 1 : 1 - options.Gamma * load.Compute[g])
            .ThenBy(g => g).ToList();
        var assignment = new int[job.Workers];
        foreach (var w in Enumerable.Range(0, job.Workers).OrderByDescending(w => demand.ComputeShares[w]))
        {
            var at = candidates.FindIndex(g =>
                load.Jobs[g] == 0 || load.Memory[g] + demand.MemoryBytes[w] <= options.GpuMemoryBytes);
            if (at < 0) return null;
            assignment[w] = candidates[at];
            candidates.RemoveAt(at);
        }
        return assignment.All(g => load.Jobs[g] == 0) ? null : new PlannedJob(job, demand, assignment);
    }

    private JobPlacement[] CleanUp(List<PlannedJob> plan)
    {
        _model.Place(plan, out var load);
        for (var j = 0; j < plan.Count; j++)
            if (plan[j].Demand.Sigma > 0 && plan[j].Gpus.All(g => load.Jobs[g] == 1))
                plan[j] = plan[j] with { Demand = plan[j].Job.Demand(plan[j].Demand.Worker, 0) };
        for (var j = 0; j < plan.Count; j++)
        {
            var current = plan[j];
            if (current.Demand.Sigma <= 0) continue;
            PlannedJob best = current;
            var bestGoodput = double.NegativeInfinity;
            foreach (var sigma in current.Job.Sigmas.Where(s => s <= current.Demand.Sigma + 1e-12))
            {
                plan[j] = current with { Demand = current.Job.Demand(current.Demand.Worker, sigma) };
                if (_model.Place(plan) is not { } placed) continue;
                var goodput = placed.Sum(p => p.Goodput);
                if (goodput > bestGoodput * (1 + 1e-12) + 1e-300)
                {
                    best = plan[j];
                    bestGoodput = goodput;
                }
            }
            plan[j] = best;
        }
        return _model.Place(plan)!;
    }
}
