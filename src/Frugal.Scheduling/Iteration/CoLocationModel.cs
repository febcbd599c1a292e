namespace Frugal.Scheduling.Iteration;

/// <summary>One job's place in a plan: its demand (σ) and the GPU of each of its workers.</summary>
/// <param name="Job">The job.</param>
/// <param name="Demand">Its demand at the chosen σ.</param>
/// <param name="Gpus">The GPU of worker w at index w.</param>
internal sealed record PlannedJob(IterationJob Job, JobDemand Demand, int[] Gpus);

/// <summary>A planned job with the stretch co-location gives it.</summary>
/// <param name="Planned">The job, σ and GPUs.</param>
/// <param name="Stretch">T_iter on shared GPUs over T_iter alone, at least 1.</param>
internal sealed record JobPlacement(PlannedJob Planned, double Stretch)
{
    public IterationJob Job => Planned.Job;
    public JobDemand Demand => Planned.Demand;
    public double IterationSeconds => Demand.IterationSeconds * Stretch;

    /// <summary>Effective samples per second: (1 − κσ)·W·b / T_iter.</summary>
    public double Goodput => Demand.Progress * Job.Workers * Job.BatchSize / IterationSeconds;
}

/// <summary>
/// Jobs sharing a GPU interleave iterations (§4.2). Jobs are admitted in plan order and keep what they hold:
/// a later job gets the compute, NIC and memory left, and its iteration is stretched until every GPU it uses is
/// feasible: on a shared GPU γ·Σ compute shares ≤ 1, Σ NIC shares ≤ 1 and Σ memory ≤ capacity. A job
/// alone on its GPUs always fits: its measured throughput shows it does.
/// </summary>
internal sealed class CoLocationModel(int gpus, JigSawOptions options)
{
    /// <summary>Per GPU: Σ compute shares, Σ NIC shares, Σ memory, jobs.</summary>
    public sealed record GpuLoad(double[] Compute, double[] Network, double[] Memory, int[] Jobs);

    /// <summary>The stretch of each job of <paramref name="plan"/>, in order, or null if one cannot fit.</summary>
    public JobPlacement[]? Place(IReadOnlyList<PlannedJob> plan) => Place(plan, out _);

    /// <inheritdoc cref="Place(IReadOnlyList{PlannedJob})"/>
    public JobPlacement[]? Place(IReadOnlyList<PlannedJob> plan, out GpuLoad load)
    {
        load = new GpuLoad(new double[gpus], new double[gpus], new double[gpus], new int[gpus]);
        var result = new JobPlacement[plan.Count];
        for (var j = 0; j < plan.Count; j++)
        {
            var stretch = StretchOf(plan[j], load);
            if (stretch is not { } s) return null;
            Add(plan[j], s, load);
            result[j] = new JobPlacement(plan[j], s);
        }
        return result;
    }

    /// <summary>The stretch <paramref name="job"/> needs on top of <paramref name="load"/>, or null.</summary>
    public double? StretchOf(PlannedJob job, GpuLoad load)
    {
        var stretch = 1.0;
        for (var w = 0; w < job.Gpus.Length; w++)
        {
            var g = job.Gpus[w];
            if (load.Jobs[g] == 0) continue;
            var compute = 1 - options.Gamma * load.Compute[g];
            var network = 1 - load.Network[g];
            if (compute <= 1e-9 || network <= 1e-9
                || load.Memory[g] + job.Demand.MemoryBytes[w] > options.GpuMemoryBytes) return null;
            stretch = Math.Max(stretch, Math.Max(options.Gamma * job.Demand.ComputeShares[w] / compute,
                job.Demand.NetworkShares[w] / network));
        }
        return stretch <= options.MaxStretch ? stretch : null;
    }

    public static void Add(PlannedJob job, double stretch, GpuLoad load)
    {
        for (var w = 0; w < job.Gpus.Length; w++)
        {
            var g = job.Gpus[w];
            load.Compute[g] += job.Demand.ComputeShares[w] / stretch;
            load.Network[g] += job.Demand.NetworkShares[w] / stretch;
            load.Memory[g] += job.Demand.MemoryBytes[w];
            load.Jobs[g]++;
        }
    }

    /// <summary>The busy compute share of GPU g: γ·Σ when shared, Σ when one job holds it.</summary>
    public double Busy(GpuLoad load, int g) => load.Jobs[g] > 1 ? options.Gamma * load.Compute[g] : load.Compute[g];
}
