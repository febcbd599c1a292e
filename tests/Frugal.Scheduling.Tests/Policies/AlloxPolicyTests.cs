using Frugal.Scheduling.Policies;
using static Frugal.Scheduling.Tests.Policies.PolicyTestKit;

namespace Frugal.Scheduling.Tests.Policies;

public class AlloxPolicyTests
{
    [Fact]
    public void MatchesJobsToTheGpusWhereTheyAreFastest()
    {
        // Two free GPUs keep both jobs as candidates; job 1 on a and job 2 on b each cost 10 s.
        var input =
            Input(10, [Job(1, 100, Tputs(("a", 10), ("b", 1)), arrival: 0),
            Job(2, 100, Tputs(("a", 1), ("b", 10)), arrival: 1)], ("a", 1), ("b", 1));
        AssertAllocation(input, new AlloxPolicy().Allocate(input), (1, "a", 1), (2, "b", 1));
    }

    [Fact]
    public void ShortJobsGoFirstOnASharedGpu()
    {
        // One GPU, ten waiting jobs: ⌊0.2·10⌋ = 2 candidates, the two oldest (1 and 2). Job 2 first
        // (k = 2) costs 2·1 + 990 = 992 against 2·990 + 1 for job 1 first, so job 2 gets the GPU.
        var jobs =
            new[] { V100Job(1, 990, arrival: 0) }.Concat(Enumerable.Range(2, 9)
            .Select(id => V100Job(id, 1, arrival: id - 1)));
        var input = V100(1, 10, [.. jobs]);
        AssertAllocation(input, new AlloxPolicy().Allocate(input), (2, "v100", 1));
    }

    [Fact]
    public void HoldersKeepTheirGpuAcrossCalls()
    {
        var policy = new AlloxPolicy();
        var first = V100(1, 0, V100Job(1, 1000));
        AssertAllocation(first, policy.Allocate(first), (1, "v100", 1));

        // Same ten jobs as in ShortJobsGoFirstOnASharedGpu: job 1 holds its GPU, so nobody else runs ...
        var jobs =
            new[] { V100Job(1, 990, arrival: 0) }.Concat(Enumerable.Range(2, 9)
            .Select(id => V100Job(id, 1, arrival: id - 1))).ToArray();
        var second = V100(1, 10, jobs);
        AssertAllocation(second, policy.Allocate(second), (1, "v100", 1));
        // ... where a fresh policy would give the GPU to job 2.
        AssertAllocation(second, new AlloxPolicy().Allocate(second), (2, "v100", 1));

        // Job 1 finished: its GPU is free again and goes to the oldest waiting job (⌊0.2·9⌋ = 1 candidate).
        var third = V100(1, 20, jobs[1..]);
        AssertAllocation(third, policy.Allocate(third), (2, "v100", 1));
    }

    [Fact]
    public void GangJobsGetOneGpusWorthAndAreRematchedEachCall()
    {
        // Job 1 (sf 2) is first on one GPU and gets X = 1/2; job 2 gets the other GPU.
        var policy = new AlloxPolicy();
        var input = V100(2, 10, V100Job(1, 100, scaleFactor: 2, arrival: 0), V100Job(2, 100, arrival: 1));
        AssertAllocation(input, policy.Allocate(input), (1, "v100", 0.5), (2, "v100", 1));

        // Only job 2 (X = 1) holds; job 1 is matched again to the one GPU left.
        var later = V100(2, 20, V100Job(1, 90, scaleFactor: 2, arrival: 0), V100Job(2, 90, arrival: 1));
        var x = policy.Allocate(later);
        AssertAllocation(later, x, (1, "v100", 0.5), (2, "v100", 1));
        AssertFeasible(later, x, "allox");
    }
}
