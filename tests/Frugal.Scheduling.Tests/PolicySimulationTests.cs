using Frugal.Core.Randomness;
using Frugal.Scheduling.Policies;
using Frugal.Scheduling.Policies.Shockwave;
using Frugal.Scheduling.Simulation;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Tests;

/// <summary>
/// Every policy of the catalogue, Shockwave included, through the whole simulator: small cases, conservation,
/// determinism.
/// </summary>
public class PolicySimulationTests
{
    public static TheoryData<string> Policies => [.. PolicyCatalog.Policies.Names];

    /// <summary>
    /// A new scheduler for <paramref name="policy"/>; Shockwave profiles epochs on <paramref name="profile"/>.
    /// </summary>
    private static IRoundScheduler Scheduler(string policy, SimulationOptions options, ThroughputTable profile) =>
        PolicyCatalog.Policies.Get(policy).CreateScheduler(new PolicySetup(options, profile, ShockwaveOptions.Tacc32));

    private static readonly ThroughputTable TenStepsPerSecond =
        Fixtures.Throughputs(("ResNet-18 (batch size 32)", 1, 10));

    private static SimulationResult TwoJobsOnOneGpu(string policy)
    {
        // A needs 150 s, B 50 s, both arrive at 0; one GPU, 100 s rounds, no restart overhead.
        var options = new SimulationOptions { RoundSeconds = 100, RestartOverheadSeconds = 0 };
        return new Simulator(TenStepsPerSecond, ClusterSpec.Parse("v100=1"), options)
            .Run([Fixtures.Job(0, "ResNet-18 (batch size 32)", 1500, 0),
                Fixtures.Job(1, "ResNet-18 (batch size 32)", 500, 0)],
                Scheduler(policy, options, TenStepsPerSecond));
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void EveryPolicyKeepsOneGpuBusyUntilBothJobsFinish(string policy)
    {
        var result = TwoJobsOnOneGpu(policy);
        Assert.Equal(200, result.Metrics.MakespanSeconds, 9);
        Assert.Equal(1.0, result.Metrics.Utilization, 9);
        Assert.Equal(150, result.Jobs[0].GpuSeconds, 9);
        Assert.Equal(50, result.Jobs[1].GpuSeconds, 9);
        for (var i = 0; i < 2; i++)
            Assert.Equal(result.Jobs[i].Jct / (156.25 * 2.0), result.Metrics.Rho[i], 9);
    }

    [Theory]
    // FIFO runs A to completion first: A at 150, B at 200.
    [InlineData("fifo", 150, 200)]
    // SRTF runs B first: B at 50, then A for two rounds (50–150, 150–200).
    [InlineData("srtf", 200, 50)]
    // Max-min gives each half; A wins the first round on id, then B is owed more time: B at 150, A at 200.
    [InlineData("max_min_fairness", 200, 150)]
    public void HandComputedCompletionTimes(string policy, double completionA, double completionB)
    {
        var result = TwoJobsOnOneGpu(policy);
        Assert.Equal(completionA, result.Jobs[0].Completion, 9);
        Assert.Equal(completionB, result.Jobs[1].Completion, 9);
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void StaticJobsCompleteExactlyTheirStepsWithoutOvercommitting(string policy)
    {
        // Static jobs and no restart overhead: a job's GPU time is exactly sf × steps / throughput.
        var throughputs = SyntheticThroughputs.Create();
        var generator = new TraceGeneratorOptions
        {
            Jobs = 25,
            MeanArrivalGapSeconds = 120,
            MaxDurationHours = 1.5,
            ModeMix = [1, 0, 0],
            ScaleFactorMix = [0.5, 0.3, 0.2, 0],
        };
        var trace = new TraceGenerator(throughputs, generator).Generate(new SeedTree(11));
        var options = new SimulationOptions { RestartOverheadSeconds = 0 };
        var result = new Simulator(throughputs, ClusterSpec.Parse("v100=8"), options)
            .Run(trace, Scheduler(policy, options, throughputs));

        foreach (var (job, spec) in result.Jobs.Zip(trace))
        {
            Assert.True(job.Start >= spec.ArrivalSeconds, $"job {job.Id} started before it arrived");
            var expected =
                spec.ScaleFactor * spec.TotalSteps
                / throughputs.Require("v100", spec.Type.ToString(), spec.ScaleFactor);
            Assert.Equal(expected, job.GpuSeconds, expected * 1e-9);
        }
        Assert.All(result.Rounds, r => Assert.InRange(r.GpusHeld, 0, 8));
        Assert.Equal(result.Jobs.Sum(j => j.GpuSeconds), result.Rounds.Sum(r => r.BusyGpuSeconds), 1e-6);
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void SimulationsAreDeterministic(string policy)
    {
        // A trace on which every Shockwave solve ends far inside its time limit (the longest takes about
        // 0.4 s of 15): a solve cut short by the clock would make the plan depend on the machine's speed.
        var throughputs = SyntheticThroughputs.Create();
        var trace = new TraceGenerator(throughputs, new TraceGeneratorOptions { Jobs = 20, MaxDurationHours = 1 })
            .Generate(new SeedTree(3));
        SimulationResult Once() => new Simulator(throughputs, ClusterSpec.Parse("v100=4"))
            .Run(trace, Scheduler(policy, new SimulationOptions(), throughputs));
        var (a, b) = (Once(), Once());
        Assert.Equal(0, a.SchedulerStatistics.GetValueOrDefault("time_limit_hits"));
        Assert.Equal(a.Jobs, b.Jobs);
        Assert.Equal(a.Rounds.Select(r => (r.Start, r.GpusHeld)), b.Rounds.Select(r => (r.Start, r.GpusHeld)));
    }
}
