using Frugal.Core.Randomness;
using Frugal.Scheduling.Policies;
using static Frugal.Scheduling.Tests.Policies.PolicyTestKit;

namespace Frugal.Scheduling.Tests.Policies;

/// <summary>
/// Every policy, on random clusters and job mixes: feasible, and the same input gives the same output.
/// </summary>
public class PolicyPropertyTests
{
    private static readonly string[] WorkerTypes = ["k80", "p100", "v100"];
    private static readonly int[] ScaleFactors = [1, 2, 4, 8];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void AllocationsAreFeasibleAndDeterministic(ulong seed)
    {
        var random = new RandomStream(seed);
        var first = RandomInput(random);
        // A second call after some progress: stateful policies (Themis, AlloX) see their history.
        var second = Progress(first, random);
        foreach (var name in AllocationPolicyNames)
        {
            var (a, b) = (CreateAllocation(name), CreateAllocation(name));
            foreach (var input in new[] { first, second })
            {
                var x = a.Allocate(input);
                AssertFeasible(input, x, name);
                AssertIdentical(input, x, b.Allocate(input), name);
            }
        }
    }

    [Theory]
    [MemberData(nameof(PolicyNames))]
    public void AnEmptyJobListGivesAnEmptyAllocation(string name)
    {
        var x = CreateAllocation(name).Allocate(V100(4, 0));
        Assert.Empty(x.Jobs);
    }

    public static TheoryData<string> PolicyNames() => [.. AllocationPolicyNames];

    public static TheoryData<ulong> Seeds() => [.. Enumerable.Range(1, 50).Select(s => (ulong)s)];

    private static PolicyInput RandomInput(RandomStream random)
    {
        var types = WorkerTypes.Where(_ => random.NextDouble() < 0.6).DefaultIfEmpty("v100").ToArray();
        var cluster = types.ToDictionary(t => t, _ => random.Next(1, 17));
        var jobs = Enumerable.Range(0, random.Next(1, 31)).Select(id =>
        {
            // Some jobs cannot use some types (Recommendation on multi-GPU, say): throughput 0.
            var throughput =
                types.ToDictionary(t => t, _ => random.NextDouble() < 0.2 ? 0 : 0.5 + 10 * random.NextDouble());
            return new JobView(id, "job", ScaleFactors[random.Next(ScaleFactors.Length)], random.Next(1, 3), throughput,
                100 + 1e5 * random.NextDouble(), 1000 * random.NextDouble());
        }).OrderBy(j => j.ArrivalTime).ThenBy(j => j.Id).ToList();
        return new PolicyInput(1000, jobs, cluster);
    }

    /// <summary>Ten minutes later: each job lost some steps, some finished, one new job arrived.</summary>
    private static PolicyInput Progress(PolicyInput input, RandomStream random)
    {
        var jobs = input.Jobs
            .Where(_ => random.NextDouble() < 0.8)
            .Select(j => j with { RemainingSteps = j.RemainingSteps * (0.5 + 0.5 * random.NextDouble()) })
            .Append(new JobView(1000, "job", 1, 1, input.WorkerTypes.ToDictionary(t => t, _ => 1.0), 5000,
                input.Now + 1))
            .ToList();
        return input with { Now = input.Now + 600, Jobs = jobs };
    }
}
