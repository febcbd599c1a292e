namespace Frugal.Scheduling.Policies;

/// <summary>
/// Themis' finish-time fairness as Gavel codes it: minimise max_j ρ_j with
/// ρ_j = (t_j + rem_j/Σ_w tput_jw·X[j,w]) / (iso_j + rem_j/tiso_j), where t_j is the time since
/// arrival, tiso_j the throughput of the job's isolated equal share and iso_j the isolated time
/// its progress so far would have taken. The min-max is solved by bisection on z: for a fixed
/// z, ρ_j ≤ z is the linear constraint Σ_w tput_jw·X[j,w] ≥ rem_j/(z·D_j − t_j), D_j the denominator.
/// </summary>
internal sealed class FinishTimeFairnessPolicy : IAllocationPolicy
{
    // Relative width at which the bisection on z stops; X then is within about this of optimal.
    private const double Tolerance = 1e-7;

    // Gavel's state: isolated time accumulated per job, and what the last call saw, so the
    // steps done in between can be converted at the isolated throughput then in force.
    private readonly Dictionary<int, double> _isolatedTimeSoFar = [];
    private Dictionary<int, (double Remaining, double IsolatedThroughput)> _previous = [];

    public string Name => "finish_time_fairness";

    public Allocation Allocate(PolicyInput input)
    {
        var runnable =
            Enumerable.Range(0, input.Jobs.Count).Where(j => PolicyMath.CanRun(input.Jobs[j], input)).ToList();
        var shares = runnable.ToDictionary(j => j, j => PolicyMath.IsolatedShare(input.Jobs[j], input));
        var isolatedThroughput =
            runnable.ToDictionary(j => j, j => PolicyMath.Throughput(input.Jobs[j], input, shares[j]));
        AccumulateIsolatedTime(input, runnable, isolatedThroughput);
        if (runnable.Count == 0) return PolicyMath.Zero(input);

        // Jobs with nothing left have a fixed ratio and need no throughput.
        var pending = runnable.Where(j => input.Jobs[j].RemainingSteps > 0).ToList();
        var sinceArrival = pending.ToDictionary(j => j, j => input.Now - input.Jobs[j].ArrivalTime);
        var isolatedFinish = pending.ToDictionary(j => j, j =>
            _isolatedTimeSoFar[input.Jobs[j].Id] + input.Jobs[j].RemainingSteps / isolatedThroughput[j]);

        // The isolated allocation is feasible, so its worst ratio bounds the optimum from above
        // and is the answer if no better z proves feasible; ρ_j > t_j/D_j bounds it from below.
        var best = IsolatedAllocation(input, shares);
        var high =
            pending.Select(j =>
            (sinceArrival[j] + input.Jobs[j].RemainingSteps / isolatedThroughput[j]) / isolatedFinish[j])
            .DefaultIfEmpty(0).Max();
        var low = pending.Select(j => sinceArrival[j] / isolatedFinish[j]).DefaultIfEmpty(0).Max();

        using var lp = new AllocationLp(Name, input);
        lp.MaximiseThroughput();
        var rows =
            pending.ToDictionary(j => j, j => lp.AddJobRow(j, 0, double.PositiveInfinity, input.Jobs[j].ThroughputOn));
        while (high - low > Tolerance * high)
        {
            var z = (low + high) / 2;
            if (Feasible(z))
            {
                best = lp.ToAllocation();
                high = z;
            }
            else
            {
                low = z;
            }
        }
        return best;

        bool Feasible(double z)
        {
            foreach (var (j, row) in rows)
            {
                var slack = z * isolatedFinish[j] - sinceArrival[j];
                if (slack <= 0) return false;
                row.SetLb(input.Jobs[j].RemainingSteps / slack);
            }
            return lp.Solve();
        }
    }

    /// <summary>
    /// iso_j += (steps done since the last call) / (isolated throughput of the last call), as in
    /// Gavel; then remembers this call's remaining steps and isolated throughputs.
    /// </summary>
    private void AccumulateIsolatedTime(PolicyInput input, List<int> runnable, Dictionary<int,
        double> isolatedThroughput)
    {
        var current = new Dictionary<int, (double, double)>();
        foreach (var j in runnable)
        {
            var job = input.Jobs[j];
            var soFar = _isolatedTimeSoFar.GetValueOrDefault(job.Id);
            if (_previous.TryGetValue(job.Id, out var last))
                soFar += (last.Remaining - job.RemainingSteps) / last.IsolatedThroughput;
            _isolatedTimeSoFar[job.Id] = soFar;
            current[job.Id] = (job.RemainingSteps, isolatedThroughput[j]);
        }
        _previous = current;
    }

    /// <summary>The isolated shares as an allocation, without time on types the job cannot use.</summary>
    private static Allocation IsolatedAllocation(PolicyInput input, Dictionary<int, double[]> shares)
    {
        var allocation = PolicyMath.Zero(input);
        foreach (var (j, share) in shares)
            for (var w = 0; w < input.WorkerTypes.Count; w++)
                if (input.Jobs[j].ThroughputOn(input.WorkerTypes[w]) > 0)
                    allocation[input.Jobs[j].Id, input.WorkerTypes[w]] = share[w];
        return allocation;
    }
}
