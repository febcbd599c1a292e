using Frugal.Scheduling.Policies;
using static Frugal.Scheduling.Tests.Policies.PolicyTestKit;

namespace Frugal.Scheduling.Tests.Policies;

public class FinishTimeFairnessPolicyTests
{
    private static readonly double Golden = (Math.Sqrt(5) - 1) / 2;

    [Fact]
    public void EqualJobsGetEqualShares()
    {
        // tiso = 1/2 each, so ρ_j = (100/X_j)/200 and the min-max is X = 1/2 each.
        var input = V100(1, 0, V100Job(1, 100), V100Job(2, 100));
        AssertAllocation(input, new FinishTimeFairnessPolicy().Allocate(input), (1, "v100", 0.5), (2, "v100", 0.5));
    }

    [Fact]
    public void TimeAlreadyWaitedCountsAgainstTheJob()
    {
        // Now = 100; job 1 arrived at 0 (t = 100, D = 100/0.5 = 200), job 2 just arrived
        // (t = 0, D = 300/0.5 = 600). (100 + 100/X1)/200 = (300/X2)/600 with X1 + X2 = 1 gives
        // X1² + X1 − 1 = 0: X1 = (√5 − 1)/2.
        var input = V100(1, 100, V100Job(1, 100, arrival: 0), V100Job(2, 300, arrival: 100));
        AssertAllocation(input, new FinishTimeFairnessPolicy().Allocate(input), (1, "v100", Golden),
            (2, "v100", 1 - Golden));
    }

    [Fact]
    public void IsolatedTimeSoFarCarriesOverBetweenCalls()
    {
        var policy = new FinishTimeFairnessPolicy();
        policy.Allocate(V100(1, 0, V100Job(1, 100), V100Job(2, 100)));

        // Job 1 did 50 steps at the isolated 1/2 step/s: iso_1 = 100 s, so D_1 = 100 + 50/0.5 = 200
        // and D_2 = 200. (100 + 50/X1)/200 = (100 + 100/X2)/200 gives X2 = 2·X1: X1 = 1/3.
        var second = V100(1, 100, V100Job(1, 50), V100Job(2, 100));
        AssertAllocation(second, policy.Allocate(second), (1, "v100", 1.0 / 3), (2, "v100", 2.0 / 3));

        // A fresh policy has iso_1 = 0 (D_1 = 100): 1 + 1/X1 = 1/X2, again the golden ratio.
        AssertAllocation(second, new FinishTimeFairnessPolicy().Allocate(second), (1, "v100", Golden),
            (2, "v100", 1 - Golden));
    }

    [Fact]
    public void JobsThatAreNotTheBottleneckAreMinMaxedAgainNotGivenToTheFastest()
    {
        // Now = 1000 on 2 GPUs. Job 1 waited 1000 s: D_1 = 100/(2/3) = 150, so even X1 = 1 leaves it at
        // (1000 + 100)/150 = 7.33, the worst ratio. Jobs 2 and 3 just arrived: D_2 = 300/(2/3) = 450 and (twice as
        // fast) D_3 = 300/(4/3) = 225, so ρ_2 = 2/(3·X2) and ρ_3 = 2/(3·X3). The lexicographic min-max gives them
        // the remaining GPU equally (ρ = 4/3 each); maximising throughput among the allocations optimal for job 1
        // would have given job 3 nearly all of it (X2 = 0.09, ρ_2 = 7.33).
        var input = V100(2, 1000, V100Job(1, 100, arrival: 0), V100Job(2, 300, arrival: 1000),
            V100Job(3, 300, throughput: 2, arrival: 1000));
        AssertAllocation(input, new FinishTimeFairnessPolicy().Allocate(input), (1, "v100", 1), (2, "v100", 0.5),
            (3, "v100", 0.5));
    }

    [Fact]
    public void UsesFasterWorkerTypesAndSkipsJobsThatCannotRun()
    {
        // Job 3 runs nowhere in this cluster and gets nothing; jobs 1 and 2 each need one of the two GPUs.
        var input = Input(0,
            [Job(1, 100, Tputs(("k80", 1), ("v100", 4))), Job(2, 100, Tputs(("k80", 1), ("v100", 4))),
                Job(3, 100, Tputs(("p100", 1)))],
            ("k80", 1), ("v100", 1));
        var x = new FinishTimeFairnessPolicy().Allocate(input);
        AssertFeasible(input, x, "finish_time_fairness");
        Assert.Equal(0, x.TotalFor(3));
        // Symmetric jobs: the optimum gives both the same throughput, 5/2 (half of 1 + 4).
        Assert.Equal(2.5, Throughput(input, x, input.Jobs[0]), 5);
        Assert.Equal(2.5, Throughput(input, x, input.Jobs[1]), 5);
    }
}
