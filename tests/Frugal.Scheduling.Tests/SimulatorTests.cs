using Frugal.Core.Errors;
using Frugal.Scheduling.Simulation;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Tests;

public class SimulatorTests
{
    private const string Rn32 = "ResNet-18 (batch size 32)";
    private static readonly ThroughputTable TenStepsPerSecond =
        Fixtures.Throughputs((Rn32, 1, 10), (Rn32, 2, 16), ("ResNet-18 (batch size 256)", 1, 5));

    private static SimulationResult Run(IReadOnlyList<JobSpec> jobs, string cluster = "v100=1", double overhead = 0) =>
        new Simulator(TenStepsPerSecond, ClusterSpec.Parse(cluster),
                new SimulationOptions { RoundSeconds = 100, RestartOverheadSeconds = overhead })
            .Run(jobs, new Fixtures.ArrivalOrder());

    [Fact]
    public void TwoJobsOnOneGpuRunBackToBackRoundByRound()
    {
        // A needs 150 s, B 50 s. Rounds: A 0–100, A 100–150 (done), B 150–200 (done).
        var result = Run([Fixtures.Job(0, Rn32, 1500, 0), Fixtures.Job(1, Rn32, 500, 0)]);
        Assert.Equal(150, result.Jobs[0].Completion, 9);
        Assert.Equal(200, result.Jobs[1].Completion, 9);
        Assert.Equal(150, result.Jobs[1].Start, 9);
        Assert.Equal(3, result.Rounds.Count);
        Assert.Equal([0, 100, 150], result.Rounds.Select(r => r.Start));
        Assert.Equal(200, result.Metrics.MakespanSeconds, 9);
        Assert.Equal(175, result.Metrics.AverageJctSeconds, 9);
        Assert.Equal(Math.Sqrt(150 * 200), result.Metrics.GeometricMeanJctSeconds, 9);
        Assert.Equal(1.0, result.Metrics.Utilization, 9);
        Assert.Equal([2, 1], result.Jobs.Select(j => j.RoundsScheduled));

        // Finish-time fairness: one epoch at bs 32 profiles as 50000/32/10 = 156.25 s, unrounded as in the artifact's
        // metric; 2 jobs on 1 GPU → contention 2.
        Assert.Equal(156.25, result.Jobs[0].IsolatedSeconds, 9);
        Assert.Equal(2, result.Metrics.ContentionFactor);
        Assert.Equal(150 / 312.5, result.Metrics.Rho[0], 9);
        Assert.Equal(200 / 312.5, result.Metrics.Rho[1], 9);
        Assert.Equal(0, result.Metrics.UnfairFraction);
        // Themis variant: 2 active jobs in each of A's rounds, 2 then 1 in B's → mean 2 and 5/3.
        Assert.Equal(150 / (156.25 * 2.0), result.Metrics.ThemisRho[0], 9);
        Assert.Equal(200 / (156.25 * 5 / 3.0), result.Metrics.ThemisRho[1], 9);
    }

    [Fact]
    public void RhoUsesTheUnroundedProfiledEpochDurations()
    {
        // A Recommendation epoch at bs 8192 is 117907/8192 = 14.39 samples-batches; at 20 steps/s it profiles as
        // 0.7196 s, which whole-second rounding would have made 1 s (+39%). 10 epochs = 150 steps (15 per epoch).
        const string rec = "Recommendation (batch size 8192)";
        var result = new Simulator(Fixtures.Throughputs((rec, 1, 20)), ClusterSpec.Parse("v100=1"),
                new SimulationOptions { RoundSeconds = 100, RestartOverheadSeconds = 0 })
            .Run([Fixtures.Job(0, rec, 150, 0)], new Fixtures.ArrivalOrder());
        var isolated = 10 * (117_907 / 8192.0 / 20);
        Assert.Equal(isolated, result.Jobs[0].IsolatedSeconds, 9);
        Assert.Equal(7.5 / isolated, result.Metrics.Rho[0], 9);
    }

    [Fact]
    public void AJobArrivingMidRoundWaitsForTheRoundToEnd()
    {
        var result = Run([Fixtures.Job(0, Rn32, 2000, 0), Fixtures.Job(1, Rn32, 100, 30)], cluster: "v100=2");
        Assert.Equal(100, result.Jobs[1].Start, 9);
        Assert.Equal(110, result.Jobs[1].Completion, 9);
        Assert.Equal(80, result.Jobs[1].Jct, 9);
    }

    [Fact]
    public void AnIdleClusterJumpsToTheNextArrival()
    {
        var result = Run([Fixtures.Job(0, Rn32, 100, 0), Fixtures.Job(1, Rn32, 100, 5000)]);
        Assert.Equal(5000, result.Jobs[1].Start, 9);
        Assert.Equal(5010, result.Metrics.MakespanSeconds, 9);
        Assert.Equal(20 / 5010.0, result.Metrics.Utilization, 9);
    }

    [Fact]
    public void TheRestartOverheadIsChargedWhenAJobResumesForAFullRound()
    {
        // 20 s lost in the first (full) round: 800 steps, then 500 s more... 1500 steps: 800 + 700 (70 s, short round,
        // no charge).
        var result = Run([Fixtures.Job(0, Rn32, 1500, 0)], overhead: 20);
        Assert.Equal(170, result.Jobs[0].Completion, 9);
    }

    [Fact]
    public void ProfileDrivenBatchSizeChangesRescaleTheRemainingSteps()
    {
        // 40 epochs of ResNet-18 at bs 32 (1563 steps each) with Accordion: epochs 0–12 at 32, then 256 (196
        // steps/epoch, 5 steps/s).
        var steps = 40 * 1563.0;
        var job = Fixtures.Job(0, Rn32, steps, 0, mode: AdaptationMode.Accordion);
        Assert.Equal(32, job.BatchSizeSchedule()[12]);
        Assert.Equal(256, job.BatchSizeSchedule()[13]);
        var result = new Simulator(TenStepsPerSecond, ClusterSpec.Parse("v100=1"),
                new SimulationOptions
                {
                    RoundSeconds = 100, RestartOverheadSeconds = 0, BatchSizeDynamics = BatchSizeDynamics.Profile,
                })
            .Run([job], new Fixtures.ArrivalOrder());
        // Rounds run whole at one batch size; the switch happens at the first round that starts in epoch 13.
        // 13 epochs at bs 32 take 13·1563/10 = 2031.9 s → 21 rounds (2100 s) at bs 32 cover 13.435 epochs;
        // the remaining 26.565 epochs at bs 256 take 26.565·196/5 s.
        var expected = 2100 + (40 - 21000 / 1563.0) * 196 / 5;
        Assert.Equal(expected, result.Jobs[0].Completion, 6);
    }

    [Fact]
    public void UnderTheRulesASwitchAppliesAfterTheNextRoundRunAndCreditsTheEpochBegun()
    {
        // The same job under the artifact's rules (the default). 1000 steps per 100 s round at bs 32: after 15
        // rounds it has done 9.597 epochs, so it has begun epoch 10, out of Accordion's critical regime: it asks
        // for bs 256. The change applies after the next round it runs (10.237 epochs) and credits the epoch it
        // had begun: 11 epochs done, 29 left at bs 256, 196 steps each at 5 steps/s.
        var job = Fixtures.Job(0, Rn32, 40 * 1563.0, 0, mode: AdaptationMode.Accordion);
        var result = new Simulator(TenStepsPerSecond, ClusterSpec.Parse("v100=1"),
                new SimulationOptions { RoundSeconds = 100, RestartOverheadSeconds = 0 })
            .Run([job], new Fixtures.ArrivalOrder());
        Assert.Equal(1600 + 29 * 196 / 5.0, result.Jobs[0].Completion, 6);
    }

    [Fact]
    public void GangJobsNeedAllTheirGpusAtOnce()
    {
        var result = Run([Fixtures.Job(0, Rn32, 1000, 0, gpus: 2), Fixtures.Job(1, Rn32, 500, 0)], cluster: "v100=2");
        Assert.Equal(0, result.Jobs[0].Start, 9);
        Assert.Equal(62.5, result.Jobs[0].Completion, 9); // 1000 steps at 16 steps/s
        Assert.Equal(62.5, result.Jobs[1].Start, 9);
        Assert.Equal(2 * 62.5, result.Jobs[0].GpuSeconds, 9);
    }

    [Fact]
    public void BadConfigurationsAreRejectedUpFront()
    {
        // The trace, the throughputs and the cluster that do not fit together are the user's input, not a bug.
        Assert.Contains("largest GPU pool",
            Assert.Throws<BadInputException>(() => Run([Fixtures.Job(0, Rn32, 100, 0, gpus: 4)], "v100=2")).Message);
        var unmeasured = Assert.Throws<BadInputException>(() => Run([Fixtures.Job(0, Rn32, 100, 0)], "h100=8"));
        Assert.Equal("job 0 (ResNet-18 (batch size 32) on 1 GPU) has no measured throughput on any GPU type "
            + "of the cluster h100=8; test has v100", unmeasured.Message);
        Assert.Equal("cluster", unmeasured.Setting);
        Assert.Contains("no measured throughput",
            Assert.Throws<BadInputException>(() => Run([Fixtures.Job(0, "LM (batch size 10)", 100, 0)])).Message);
        Assert.Equal("k80=2,v100=3", ClusterSpec.Parse("v100=3, k80=2").ToString());
    }

    [Theory]
    [InlineData("v100", "'v100' is not TYPE=COUNT with a count from 1 to 100,000")]
    [InlineData("v100=0", "'v100=0' is not TYPE=COUNT")]
    [InlineData("v100=100001", "'v100=100001' is not TYPE=COUNT")]
    [InlineData("v100=2,v100=3", "'v100' appears twice")]
    [InlineData("v100=8\0", "is not TYPE=COUNT")]
    [InlineData(",", "names no GPUs")]
    public void AMalformedClusterIsBadInputAboutTheCluster(string text, string message)
    {
        // .NET's integer parser accepts a trailing NUL; a GPU count must not.
        var error = Assert.Throws<BadInputException>(() => ClusterSpec.Parse(text.Replace("\\0", "\0")));
        Assert.Contains(message, error.Message);
        Assert.Equal("cluster", error.Setting);
    }

    private sealed class Overcommitting : IRoundScheduler
    {
        public string Name => "bad";
        public IReadOnlyDictionary<string, double> Statistics { get; } = new Dictionary<string, double>();
        public IReadOnlyList<Placement> Plan(RoundState state) =>
            state.Jobs.Select(j => new Placement(j.View.Id, "v100")).ToArray();
    }

    [Fact]
    public void ASchedulerThatOvercommitsGpusIsCaught()
    {
        var simulator = new Simulator(TenStepsPerSecond, ClusterSpec.Parse("v100=1"));
        var error =
            Assert.Throws<InvalidOperationException>(() =>
            simulator.Run([Fixtures.Job(0, Rn32, 100, 0), Fixtures.Job(1, Rn32, 100, 0)], new Overcommitting()));
        Assert.Contains("more than the 1 v100 GPUs", error.Message);
    }

    [SkippableFact]
    public void TheCanonicalTraceRunsToCompletionWithoutViolatingConservation()
    {
        var data = Fixtures.ShockwaveData();
        var trace = TraceFile.Read(Path.Combine(data, Fixtures.CanonicalTrace));
        var throughputs = ThroughputTable.Read(Path.Combine(data, "tacc_throughputs.json"));
        var result = new Simulator(throughputs, ClusterSpec.Parse("v100=32")).Run(trace, new Fixtures.ArrivalOrder());
        Assert.Equal(120, result.Jobs.Count);
        Assert.All(result.Jobs, j =>
        {
            Assert.True(j.Start >= j.Arrival);
            Assert.True(j.Completion > j.Start);
            Assert.True(j.IsolatedSeconds > 0);
        });
        Assert.All(result.Rounds, r => Assert.InRange(r.GpusHeld, 0, 32));
        Assert.InRange(result.Metrics.Utilization, 0.05, 1.0);
        Assert.Equal(3.75, result.Metrics.ContentionFactor);
    }
}
