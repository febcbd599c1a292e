namespace Frugal.Scheduling.Policies;

/// <summary>
/// Gavel's heterogeneity-agnostic max-min fairness (legend "Gavel"): with every throughput
/// taken as 1, maximise min_j sf_j/(weight_j·prop_j)·Σ_w X[j,w], where prop_j is the job's
/// throughput under Gavel's proportional split. Solved as one LP: maximise t subject to
/// t ≤ that scaled share for every job.
/// </summary>
/// <remarks>
/// That LP only pins down the worst-off jobs; a vertex solution (GLOP) would give every other
/// job no more than the level t and leave GPUs idle, where the reference's interior-point
/// solver (ECOS) spreads them over jobs unpredictably. A second LP therefore keeps t at its
/// optimum and maximises the GPU time handed out, Σ_j sf_j·Σ_w X[j,w].
/// </remarks>
internal sealed class MaxMinFairnessPolicy : IAllocationPolicy
{
    private const double LevelSlack = 1e-7;

    public string Name => "max_min_fairness";

    public Allocation Allocate(PolicyInput input)
    {
        // A job that can run nowhere would pin t at 0 for everyone; it simply gets nothing.
        var runnable =
            Enumerable.Range(0, input.Jobs.Count).Where(j => PolicyMath.CanRun(input.Jobs[j], input)).ToList();
        if (runnable.Count == 0) return PolicyMath.Zero(input);

        // Gavel's proportional split gives every job n_w/N of each type (N = all GPUs), so with
        // unit throughputs prop_j is the fraction of the cluster's GPUs the job can run on. Unit
        // throughput applies only where the real one is positive: a job gets no time on a type
        // it cannot use.
        var totalGpus = (double)input.Cluster.Values.Sum();
        using var lp = new AllocationLp(Name, input);
        var t = lp.AddVariable(0, double.PositiveInfinity, "t");
        foreach (var j in runnable)
        {
            var job = input.Jobs[j];
            var prop = input.WorkerTypes.Where(w => job.ThroughputOn(w) > 0).Sum(w => input.Cluster[w]) / totalGpus;
            var coefficient = job.ScaleFactor / (job.PriorityWeight * prop);
            // t − c_j·Σ_w X[j,w] ≤ 0
            lp.AddJobRow(j, double.NegativeInfinity, 0, _ => -coefficient).SetCoefficient(t, 1);
        }
        lp.Objective.SetCoefficient(t, 1);
        lp.Objective.SetMaximization();
        lp.SolveOptimal();

        // Keep t within a hair of its optimum so that solver round-off cannot make stage two infeasible.
        t.SetLb(t.SolutionValue() * (1 - LevelSlack));
        lp.Maximise((job, _) => job.ScaleFactor);
        lp.SolveOptimal();
        return lp.ToAllocation();
    }
}
