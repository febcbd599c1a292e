using Frugal.Scheduling.Policies;

namespace Frugal.Scheduling.Tests.Policies;

/// <summary>Builders and assertions shared by the policy tests.</summary>
internal static class PolicyTestKit
{
    public const double Tolerance = 1e-6;

    /// <summary>The catalogue's allocation policies (every policy but Shockwave, which plans rounds itself).</summary>
    public static IReadOnlyList<string> AllocationPolicyNames { get; } =
        [.. PolicyCatalog.Policies.Entries.Where(e => e.Entry.Allocation is not null).Select(e => e.Name)];

    /// <summary>A new instance of the allocation policy <paramref name="name"/>.</summary>
    public static IAllocationPolicy CreateAllocation(string name) => PolicyCatalog.Policies.Get(name).Allocation!();

    public static JobView Job(int id, double remaining, IReadOnlyDictionary<string, double> throughput,
        int scaleFactor = 1, double arrival = 0, double weight = 1) =>
        new(id, "ResNet-18", scaleFactor, weight, throughput, remaining, arrival);

    /// <summary>A job that runs at <paramref name="throughput"/> steps/s on the single type "v100".</summary>
    public static JobView V100Job(int id, double remaining, double throughput = 1, int scaleFactor = 1,
        double arrival = 0, double weight = 1) =>
        Job(id, remaining, new Dictionary<string, double> { ["v100"] = throughput }, scaleFactor, arrival, weight);

    public static Dictionary<string, double> Tputs(params (string Type, double Throughput)[] entries) =>
        entries.ToDictionary(e => e.Type, e => e.Throughput);

    public static PolicyInput Input(double now, IEnumerable<JobView> jobs, params (string Type, int Gpus)[] cluster) =>
        new(now, jobs.ToList(), cluster.ToDictionary(c => c.Type, c => c.Gpus));

    public static PolicyInput V100(int gpus, double now, params JobView[] jobs) => Input(now, jobs, ("v100", gpus));

    /// <summary>Asserts X[job, type] for every listed entry and 0 for every other job and type.</summary>
    public static void AssertAllocation(PolicyInput input, Allocation x,
        params (int Job, string Type, double Expected)[] expected)
    {
        foreach (var job in input.Jobs)
            foreach (var type in input.WorkerTypes)
            {
                var want =
                    expected.Where(e => e.Job == job.Id && e.Type == type).Select(e => e.Expected).DefaultIfEmpty(0)
                    .Single();
                Assert.True(Math.Abs(x[job.Id, type] - want) <= Tolerance,
                    $"X[{job.Id}, {type}] = {x[job.Id, type]:R}, expected {want:R}");
            }
    }

    /// <summary>Gavel's feasibility: X ≥ 0, Σ_w X ≤ 1, Σ_j sf·X ≤ n_w, and 0 where a job cannot run.</summary>
    public static void AssertFeasible(PolicyInput input, Allocation x, string policy)
    {
        var active = input.Jobs.Select(j => j.Id).ToHashSet();
        Assert.All(x.Jobs, id => Assert.Contains(id, active));
        foreach (var job in input.Jobs)
        {
            foreach (var type in input.WorkerTypes)
            {
                var value = x[job.Id, type];
                Assert.True(value >= 0 && double.IsFinite(value), $"{policy}: X[{job.Id}, {type}] = {value}");
                if (job.ThroughputOn(type) <= 0)
                    Assert.True(value == 0, $"{policy}: job {job.Id} cannot run on {type} but got {value}");
            }
            var total = input.WorkerTypes.Sum(w => x[job.Id, w]);
            Assert.True(total <= 1 + Tolerance, $"{policy}: job {job.Id} is allocated {total}");
        }
        foreach (var type in input.WorkerTypes)
        {
            var used = input.Jobs.Sum(j => j.ScaleFactor * x[j.Id, type]);
            Assert.True(used <= input.Cluster[type] + Tolerance,
                $"{policy}: {type} uses {used} of {input.Cluster[type]} GPUs");
        }
    }

    /// <summary>Bitwise equality of two allocations over the input's jobs and types.</summary>
    public static void AssertIdentical(PolicyInput input, Allocation a, Allocation b, string policy)
    {
        foreach (var job in input.Jobs)
            foreach (var type in input.WorkerTypes)
                Assert.True(a[job.Id, type].Equals(b[job.Id, type]),
                    $"{policy}: X[{job.Id}, {type}] differs: {a[job.Id, type]:R} vs {b[job.Id, type]:R}");
    }

    /// <summary>Σ_w tput·X: the throughput the allocation gives a job.</summary>
    public static double Throughput(PolicyInput input, Allocation x, JobView job) =>
        input.WorkerTypes.Sum(w => job.ThroughputOn(w) * x[job.Id, w]);
}
