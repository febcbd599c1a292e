namespace Frugal.Scheduling.Policies;

/// <summary>
/// Minimum total duration (legend "OSSP"): the smallest horizon T by which every active job
/// could finish, found by bisection. T is feasible iff some X under the shared constraints
/// gives every job Σ_w tput_jw·X[j,w] ≥ rem_j/T; the X of the last feasible T is returned.
/// </summary>
internal sealed class MinTotalDurationPolicy : IAllocationPolicy
{
    private const double InitialLow = 100;
    private const double InitialHigh = 1e6;
    private const double Precision = 1.05;
    // Far beyond any trace; reaching it means the LP keeps rejecting what must be feasible.
    private const double GiveUpHorizon = 1e18;

    public string Name => "min_total_duration";

    public Allocation Allocate(PolicyInput input)
    {
        // Jobs that can run nowhere would make every T infeasible; they get nothing.
        var runnable =
            Enumerable.Range(0, input.Jobs.Count).Where(j => PolicyMath.CanRun(input.Jobs[j], input)).ToList();
        if (runnable.Count == 0) return PolicyMath.Zero(input);

        using var lp = new AllocationLp(Name, input);
        lp.MaximiseThroughput();
        var rows =
            runnable.ToDictionary(j => j, j => lp.AddJobRow(j, 0, double.PositiveInfinity, input.Jobs[j].ThroughputOn));

        bool Feasible(double horizon)
        {
            foreach (var (j, row) in rows) row.SetLb(input.Jobs[j].RemainingSteps / horizon);
            return lp.Solve();
        }

        // The reference's search: bisect [lo, hi] until hi is within 5% of lo; if no T in the
        // range was feasible, move on to the next decade [hi, 10·hi] and search again.
        var (low, high) = (InitialLow, InitialHigh);
        while (true)
        {
            Allocation? lastFeasible = null;
            var decadeTop = high;
            while (Precision * low < high)
            {
                var horizon = (low + high) / 2;
                if (Feasible(horizon))
                {
                    lastFeasible = lp.ToAllocation();
                    high = horizon;
                }
                else
                {
                    low = horizon;
                }
            }
            if (lastFeasible is not null) return lastFeasible;
            if (decadeTop >= GiveUpHorizon)
                throw new InvalidOperationException(
                    $"{Name}: no horizon up to {GiveUpHorizon:g} s was feasible; check the remaining steps.");
            (low, high) = (decadeTop, decadeTop * 10);
        }
    }
}
