using Frugal.Scheduling.Policies;
using static Frugal.Scheduling.Tests.Policies.PolicyTestKit;

namespace Frugal.Scheduling.Tests.Policies;

public class MinTotalDurationPolicyTests
{
    [Fact]
    public void SpecialisedJobsEachGetTheirFastType()
    {
        // Each job on its fast type finishes in 100 s, so every T in [100, 1e6] is feasible and
        // the search ends near 100; the throughput tie-break then fills both GPUs.
        var input =
            Input(0, [Job(1, 400, Tputs(("a", 4), ("b", 1))), Job(2, 400, Tputs(("a", 1), ("b", 4)))], ("a", 1),
            ("b", 1));
        AssertAllocation(input, new MinTotalDurationPolicy().Allocate(input), (1, "a", 1), (2, "b", 1));
    }

    [Fact]
    public void FindsTheMakespanWithinFivePercent()
    {
        // Job 1: 400 steps at (a 4, b 1); job 2: 300 steps at (a 2, b 1.5), one GPU of each.
        // Giving job 2 a share s = 6/11 of a and the rest of b, and job 1 the rest of a and s of b,
        // balances 400/(4 − 3s) = 300/(1.5 + s/2): T* = 4400/26 ≈ 169.2 s (MST's split needs 200 s).
        var input =
            Input(0, [Job(1, 400, Tputs(("a", 4), ("b", 1))), Job(2, 300, Tputs(("a", 2), ("b", 1.5)))], ("a", 1),
            ("b", 1));
        var x = new MinTotalDurationPolicy().Allocate(input);
        AssertFeasible(input, x, "min_total_duration");
        var makespan = input.Jobs.Max(j => j.RemainingSteps / Throughput(input, x, j));
        var optimum = 4400.0 / 26;
        Assert.InRange(makespan, optimum - Tolerance, 1.05 * optimum);
    }

    [Fact]
    public void WidensTheSearchBeyondAMillionSeconds()
    {
        // 1e9 steps at 1 step/s: no T ≤ 1e6 works, so the search moves up decade by decade.
        var input = V100(1, 0, V100Job(1, 1e9));
        AssertAllocation(input, new MinTotalDurationPolicy().Allocate(input), (1, "v100", 1));
    }
}
