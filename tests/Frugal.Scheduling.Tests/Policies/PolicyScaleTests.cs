using Frugal.Core.Randomness;
using Frugal.Scheduling.Policies;
using static Frugal.Scheduling.Tests.Policies.PolicyTestKit;

namespace Frugal.Scheduling.Tests.Policies;

/// <summary>
/// Instances the size of the paper's traces (V100 only, the paper's sf mix), twice in a row:
/// the solvers must cope (AlloX's integer costs once overflowed here) and stay feasible.
/// </summary>
public class PolicyScaleTests
{
    private static readonly int[] ScaleFactorMix = [1, 1, 1, 1, 1, 1, 2, 2, 2, 4];

    [Theory]
    [InlineData(1UL, 120, 32)]
    [InlineData(2UL, 900, 256)]
    public void TraceSizedInstancesStayFeasible(ulong seed, int jobCount, int gpus)
    {
        var random = new RandomStream(seed);
        var jobs = Enumerable.Range(0, jobCount)
            .Select(id => V100Job(id, 1000 + 1e5 * random.NextDouble(), 0.5 + 10 * random.NextDouble(),
                ScaleFactorMix[random.Next(ScaleFactorMix.Length)], 5000 * random.NextDouble()))
            .OrderBy(j => j.ArrivalTime).ThenBy(j => j.Id)
            .ToArray();
        var first = V100(gpus, 6000, jobs);
        var second = V100(gpus, 7000, [.. jobs.Select(j => j with { RemainingSteps = 0.9 * j.RemainingSteps })]);
        foreach (var name in AllocationPolicyNames)
        {
            var policy = CreateAllocation(name);
            AssertFeasible(first, policy.Allocate(first), name);
            AssertFeasible(second, policy.Allocate(second), name);
        }
    }
}
