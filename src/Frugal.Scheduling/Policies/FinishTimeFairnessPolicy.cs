namespace Frugal.Scheduling.Policies;

/// <summary>
/// Themis' finish-time fairness as Gavel codes it: minimise max_j ρ_j with
/// ρ_j = (t_j + rem_j/Σ_w tput_jw·X[j,w]) / (iso_j + rem_j/tiso_j), where t_j is the time since
/// arrival, tiso_j the throughput of the job's isolated equal share and iso_j the isolated time
/// its progress so far would have taken. The min-max is solved by bisection on z: for a fixed
/// z, ρ_j ≤ z is the linear constraint Σ_w tput_jw·X[j,w] ≥ rem_j/(z·D_j − t_j), D_j the denominator.
/// Among the allocations optimal for the worst job, it takes the lexicographic min-max: the jobs
/// that cannot do better than the worst ratio keep it, and the others are min-maxed again, until
/// every job is fixed. The reference solves one convex min-max with an interior-point method, which
/// also shares the slack of the jobs that are not the bottleneck instead of handing it to the fastest.
/// </summary>
internal sealed class FinishTimeFairnessPolicy : IAllocationPolicy
{
    // Relative width at which the bisection on z stops; X then is within about this of optimal.
    private const double Tolerance = 1e-7;

    // A job is a bottleneck at level z when it cannot reach z·(1 − Improvement) while the others stay at most
    // at their levels; well above the bisection's tolerance, so that z's own imprecision does not count.
    private const double Improvement = 1e-5;

    // Solver noise on an improvement variable: a job improves when its variable reaches 1 − Zero.
    private const double Zero = 1e-6;

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
        var ratios = new FinishTimeRatios(input, pending, isolatedThroughput,
            pending.ToDictionary(j => j, j => _isolatedTimeSoFar[input.Jobs[j].Id]));

        // The isolated allocation is feasible, so its worst ratio bounds the optimum from above
        // and is the answer if no better z proves feasible.
        var best = IsolatedAllocation(input, shares);
        var high = pending.Select(j => ratios.AtThroughput(j, isolatedThroughput[j])).DefaultIfEmpty(0).Max();

        using var lp = new AllocationLp(Name, input);
        var rows =
            pending.ToDictionary(j => j, j => lp.AddJobRow(j, 0, double.PositiveInfinity, input.Jobs[j].ThroughputOn));
        var gains = pending.ToDictionary(j => j, j =>
        {
            var gain = lp.AddVariable(0, 0, $"gain_{j}");
            rows[j].SetCoefficient(gain, 0);
            return gain;
        });
        var level = new Dictionary<int, double>();
        while (level.Count < pending.Count)
        {
            var open = pending.Where(j => !level.ContainsKey(j)).ToList();
            // ρ_j > t_j/D_j whatever the allocation: no level below the largest of these is feasible.
            var low = open.Max(ratios.Floor);
            lp.MaximiseThroughput();
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
            var bottleneck = Bottlenecks(open, high);
            foreach (var j in bottleneck.Count > 0 ? bottleneck : open) level[j] = high;
        }
        return best;

        // Every fixed job within its level and every open one within z.
        bool Feasible(double z)
        {
            foreach (var (j, row) in rows)
            {
                if (ratios.Need(j, level.TryGetValue(j, out var fixedAt) ? fixedAt : z) is not { } need) return false;
                row.SetLb(need);
            }
            return lp.Solve();
        }

        // The open jobs that cannot get below z while the others keep theirs. One LP maximises the open jobs'
        // improvements (gain_j ∈ [0, 1] moves job j from z to z·(1 − Improvement)); a job that does not improve
        // fully there is checked alone, as the LP may have traded it for another.
        List<int> Bottlenecks(List<int> open, double z)
        {
            if (!Feasible(z)) return [];
            var reachable = new List<int>();
            var result = new List<int>();
            foreach (var j in open)
            {
                if (ratios.Need(j, z * (1 - Improvement)) is { } lower)
                {
                    rows[j].SetCoefficient(gains[j], -(lower - ratios.Need(j, z)!.Value));
                    reachable.Add(j);
                }
                else
                {
                    result.Add(j);
                }
            }
            var improved = new HashSet<int>();
            if (MaximiseGains(reachable))
                improved.UnionWith(reachable.Where(j => gains[j].SolutionValue() >= 1 - Zero));
            foreach (var j in reachable.Where(j => !improved.Contains(j)))
                if (!MaximiseGains([j]) || gains[j].SolutionValue() < 1 - Zero)
                    result.Add(j);
            foreach (var gain in gains.Values) gain.SetBounds(0, 0);
            return result;
        }

        bool MaximiseGains(List<int> jobs)
        {
            var objective = lp.Objective;
            objective.Clear();
            foreach (var (j, gain) in gains)
            {
                var counted = jobs.Contains(j);
                gain.SetBounds(0, counted ? 1 : 0);
                objective.SetCoefficient(gain, counted ? 1 : 0);
            }
            objective.SetMaximization();
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

/// <summary>
/// The finish-time ratios of one Themis allocation: ρ_j = (t_j + rem_j/throughput) / D_j, with t_j the time since
/// arrival and D_j = iso_j + rem_j/tiso_j. Jobs are addressed by their index in <see cref="PolicyInput.Jobs"/>.
/// </summary>
internal sealed class FinishTimeRatios(PolicyInput input, List<int> pending,
    Dictionary<int, double> isolatedThroughput, Dictionary<int, double> isolatedTimeSoFar)
{
    private readonly Dictionary<int, double> _sinceArrival =
        pending.ToDictionary(j => j, j => input.Now - input.Jobs[j].ArrivalTime);
    private readonly Dictionary<int, double> _isolatedFinish = pending.ToDictionary(j => j, j =>
        isolatedTimeSoFar[j] + input.Jobs[j].RemainingSteps / isolatedThroughput[j]);

    /// <summary>ρ_j at the given throughput.</summary>
    public double AtThroughput(int j, double throughput) =>
        (_sinceArrival[j] + input.Jobs[j].RemainingSteps / throughput) / _isolatedFinish[j];

    /// <summary>t_j/D_j: the ratio the job exceeds whatever it gets.</summary>
    public double Floor(int j) => _sinceArrival[j] / _isolatedFinish[j];

    /// <summary>The throughput that brings ρ_j down to z; null when no throughput can.</summary>
    public double? Need(int j, double z)
    {
        var slack = z * _isolatedFinish[j] - _sinceArrival[j];
        return slack > 0 ? input.Jobs[j].RemainingSteps / slack : null;
    }
}
