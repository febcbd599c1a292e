using Frugal.Core.Errors;
using Frugal.Scheduling.Iteration;
using Frugal.Scheduling.Simulation;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Tests.Iteration;

public class JigSawSimulationTests
{
    private static readonly Lazy<ThroughputTable> Tacc = new(() =>
        ThroughputTable.Read(Path.Combine(Fixtures.ShockwaveData(), ScheduleInputs.TaccThroughputs)));

    /// <summary>The first <paramref name="count"/> jobs of the canonical trace, shortened to keep tests fast.</summary>
    internal static IReadOnlyList<JobSpec> SmallTrace(int count = 24)
    {
        var trace = TraceFile.Read(Path.Combine(Fixtures.ShockwaveData(), Fixtures.CanonicalTrace));
        return [.. trace.Take(count).Select(j => j with { TotalSteps = Math.Min(j.TotalSteps, 3000) })];
    }

    private static IterationSimulationResult Run(IReadOnlyList<JobSpec> trace, JigSawOptions options, bool spb,
        string cluster = "v100=8") =>
        new IterationSimulator(Tacc.Value, ClusterSpec.Parse(cluster), SpbProfiles.Default(), options).Run(trace, spb);

    [Theory]
    [InlineData(BaseOrder.Fifo)]
    [InlineData(BaseOrder.Las)]
    [InlineData(BaseOrder.Srtf)]
    public void T1NoSpbAnywhereGivesTheBaselinesEventLog(BaseOrder order)
    {
        var options = new JigSawOptions { Order = order, MaxSigma = 0, DecisionIterations = 200 };
        var trace = SmallTrace();
        var jigsaw = Run(trace, options, spb: true);
        var baseline = Run(trace, options, spb: false);
        Assert.NotEmpty(baseline.Events);
        Assert.Equal(baseline.Events, jigsaw.Events);
        Assert.Equal(baseline.Efficiency.ClusterEfficiency, jigsaw.Efficiency.ClusterEfficiency);
        Assert.Equal(0, jigsaw.Efficiency.SharedGpuFraction);
    }

    [Fact]
    public void T6NoGpuExceedsItsMemoryOrComputeAfterStretching()
    {
        var options = new JigSawOptions { Gamma = 1.2, GpuMemoryBytes = 12e9, DecisionIterations = 200 };
        var result = Run(SmallTrace(), options, spb: true);
        Assert.True(result.Efficiency.SharedGpuFraction > 0, "the test needs co-location to mean anything");
        Assert.InRange(result.Efficiency.PeakBusyShare, 0, 1 + 1e-9);
        Assert.InRange(result.Efficiency.PeakSharedMemoryBytes, 0, 12e9);
    }

    [Theory]
    [InlineData(0.0, 0.375)]
    [InlineData(0.5, 1.0)]
    [InlineData(0.1, 0.25)]
    public void T7AJobAloneRunsAtSigmaZero(double kappa, double maxSigma)
    {
        var job = SmallTrace(40).First(j => j.ScaleFactor >= 2);
        var options = new JigSawOptions { Kappa = kappa, MaxSigma = maxSigma, SigmaMenu = [0, 0.25, 0.5, 1] };
        var result = Run([job with { ArrivalSeconds = 0 }], options, spb: true);
        Assert.All(result.Events.Where(e => e.Kind != "finish"), e => Assert.Equal(0, e.Sigma));
        Assert.Equal(0, result.Efficiency.MeanSigma);
    }

    [Fact]
    public void T8SameInputsGiveIdenticalResults()
    {
        var options = new JigSawOptions { Order = BaseOrder.Las, Kappa = 0.1, DecisionIterations = 200 };
        var a = Run(SmallTrace(), options, spb: true);
        var b = Run(SmallTrace(), options, spb: true);
        Assert.Equal(a.Events, b.Events);
        Assert.Equal(a.Efficiency with { SigmaHistogram = null! }, b.Efficiency with { SigmaHistogram = null! });
        Assert.Equal(a.Efficiency.SigmaHistogram, b.Efficiency.SigmaHistogram);
        Assert.Equal(a.Simulation.Jobs, b.Simulation.Jobs);
    }

    [Fact]
    public void SpbPacksWorkIntoFreedCapacityOnABusyCluster()
    {
        var options = new JigSawOptions { DecisionIterations = 200 };
        var trace = SmallTrace();
        var jigsaw = Run(trace, options, spb: true);
        var baseline = Run(trace, options, spb: false);
        Assert.True(jigsaw.Efficiency.MeanSigma > 0);
        Assert.True(jigsaw.Efficiency.SharedGpuFraction > 0);
        Assert.True(jigsaw.Efficiency.AllReduceBytes < baseline.Efficiency.AllReduceBytes);
        // Every job reaches its target in both: the useful work is the same, so E scales with 1 / makespan.
        Assert.Equal(baseline.Efficiency.ClusterEfficiency * baseline.Simulation.Metrics.MakespanSeconds,
            jigsaw.Efficiency.ClusterEfficiency * jigsaw.Simulation.Metrics.MakespanSeconds, 6);
    }

    [Fact]
    public void KappaMakesSpbIterationsCountForLess()
    {
        var trace = SmallTrace();
        var result = Run(trace, new JigSawOptions { Kappa = 0.5, DecisionIterations = 200 }, spb: true);
        if (result.Efficiency.MeanSigma > 0) Assert.True(result.Efficiency.EffectiveIterationRatio < 1);
        var none = Run(trace, new JigSawOptions { Kappa = 0.5, DecisionIterations = 200 }, spb: false);
        Assert.Equal(1, none.Efficiency.EffectiveIterationRatio, 12);
    }

    [Fact]
    public void OutOfRangeKnobsAreBadInput()
    {
        var kappa = Assert.Throws<BadInputException>(() => Run(SmallTrace(2), new JigSawOptions { Kappa = -1 }, true));
        Assert.Equal("kappa", kappa.Setting);
        var sigma = Assert.Throws<BadInputException>(() =>
            Run(SmallTrace(2), new JigSawOptions { MaxSigma = 1.5 }, true));
        Assert.Equal("SPB max sigma", sigma.Setting);
        var perModel = Assert.Throws<BadInputException>(() => Run(SmallTrace(2),
            new JigSawOptions { MaxSigmaByModel = new Dictionary<string, double> { ["ResNet-18"] = -0.1 } }, true));
        Assert.Equal("SPB max sigma per model", perModel.Setting);
        var unknown = Assert.Throws<BadInputException>(() => Run(SmallTrace(2),
            new JigSawOptions { MaxSigmaByModel = new Dictionary<string, double> { ["VGG"] = 0.25 } }, true));
        Assert.Contains("unknown model 'VGG'", unknown.Message);
        var period = Assert.Throws<BadInputException>(() =>
            Run(SmallTrace(2), new JigSawOptions { FullSyncPeriod = -1 }, true));
        Assert.Equal("full-sync period", period.Setting);
    }

    /// <summary>The GPU type of each index of <paramref name="cluster"/>: types in ordinal order, contiguous.</summary>
    private static string[] TypesOf(string cluster) =>
        [.. ClusterSpec.Parse(cluster).Gpus.SelectMany(p => Enumerable.Repeat(p.Key, p.Value))];

    [Theory]
    [InlineData(BaseOrder.Fifo)]
    [InlineData(BaseOrder.Srtf)]
    public void SeveralGpuTypesKeepEachJobOnOneTypeAndT1Holds(BaseOrder order)
    {
        const string cluster = "k80=4,v100=4";
        var types = TypesOf(cluster);
        var options = new JigSawOptions { Order = order, DecisionIterations = 200 };
        var trace = SmallTrace();
        var jigsaw = Run(trace, options, spb: true, cluster);
        var baseline = Run(trace, options, spb: false, cluster);
        foreach (var result in new[] { jigsaw, baseline })
        {
            var placed = result.Events.Where(e => e.Gpus.Length > 0).ToArray();
            Assert.All(placed, e => Assert.Single(e.Gpus.Split(',').Select(g => types[int.Parse(g)]).Distinct()));
            Assert.Contains(placed, e => types[int.Parse(e.Gpus.Split(',')[0])] == "k80");
            Assert.Contains(placed, e => types[int.Parse(e.Gpus.Split(',')[0])] == "v100");
            Assert.All(result.Simulation.Rounds.SelectMany(r => r.Placements),
                p => Assert.Contains(p.WorkerType, types));
        }
        Assert.True(jigsaw.Efficiency.SharedGpuFraction > 0);
        var off = options with { MaxSigma = 0 };
        Assert.Equal(Run(trace, off, spb: false, cluster).Events, Run(trace, off, spb: true, cluster).Events);
    }

    [Fact]
    public void AJobRunsAtItsGpuTypesThroughputAndPrefersTheFastest()
    {
        var job = SmallTrace(40).First(j => j.ScaleFactor >= 2) with { ArrivalSeconds = 0 };
        var options = new JigSawOptions();
        var v100 = Run([job], options, spb: false, "v100=8");
        var k80 = Run([job], options, spb: false, "k80=8");
        var both = Run([job], options, spb: false, "k80=8,v100=8");
        Assert.True(k80.Simulation.Metrics.MakespanSeconds > 1.5 * v100.Simulation.Metrics.MakespanSeconds);
        Assert.Equal(v100.Simulation.Metrics.MakespanSeconds, both.Simulation.Metrics.MakespanSeconds, 6);
        Assert.All(both.Simulation.Rounds.SelectMany(r => r.Placements), p => Assert.Equal("v100", p.WorkerType));
    }

    [Fact]
    public void AJobWiderThanEveryPoolIsBadInput()
    {
        var job = SmallTrace(40).First(j => j.ScaleFactor >= 4);
        var e = Assert.Throws<BadInputException>(() => Run([job], new JigSawOptions(), true, "k80=2,v100=2"));
        Assert.Equal("cluster", e.Setting);
        Assert.Contains($"job {job.Id}", e.Message);
    }

    [Fact]
    public void PerModelSigmaMaxBindsOnlyThatModelsJobs()
    {
        var trace = SmallTrace();
        var options = new JigSawOptions { DecisionIterations = 200 };
        var all = Run(trace, options, spb: true);
        var spbModels = all.Events.Where(e => e.Sigma > 0)
            .Select(e => trace.Single(j => j.Id == e.JobId).Type.Family.Name).Distinct().ToArray();
        Assert.NotEmpty(spbModels);
        var barred = spbModels[0];
        var limited = Run(trace, options with { MaxSigmaByModel = new Dictionary<string, double> { [barred] = 0 } },
            spb: true);
        Assert.All(limited.Events.Where(e => trace.Single(j => j.Id == e.JobId).Type.Family.Name == barred),
            e => Assert.Equal(0, e.Sigma));
        Assert.NotEqual(all.Events, limited.Events);
        // σ_max = 0 for every model, whatever the global σ_max, is the baseline (T1).
        var none = ModelFamily.All.ToDictionary(f => f.Name, _ => 0.0);
        Assert.Equal(Run(trace, options, spb: false).Events,
            Run(trace, options with { MaxSigmaByModel = none }, spb: true).Events);
    }

    [Fact]
    public void FullSyncGuardRunsEveryKthIterationAtSigmaZero()
    {
        var trace = SmallTrace();
        var options = new JigSawOptions { DecisionIterations = 200, Kappa = 0.5 };
        var free = Run(trace, options, spb: true);
        var guarded = Run(trace, options with { FullSyncPeriod = 4 }, spb: true);
        Assert.True(free.Efficiency.MeanSigma > 0 && guarded.Efficiency.MeanSigma > 0);
        Assert.True(guarded.Efficiency.SigmaHistogram[0] > free.Efficiency.SigmaHistogram.GetValueOrDefault(0));
        // K = 1: every iteration is a full one, whatever σ the plan names.
        var always = Run(trace, options with { FullSyncPeriod = 1 }, spb: true);
        Assert.Equal(0, always.Efficiency.MeanSigma, 12);
        Assert.Equal(1, always.Efficiency.EffectiveIterationRatio, 12);
    }

    [Fact]
    public void FullSyncDemandIsTheMeanOfKIterationsAndHoldsTheFullIterationsMemory()
    {
        var model = SpbProfiles.Default().For("ResNet-50");
        var options = new JigSawOptions { Kappa = 0.2 };
        JobDemand At(double sigma, int period) =>
            JobDemand.Of(model, "v100", 4, 64, 0.5, 0.4, sigma, options with { FullSyncPeriod = period });
        var (full, spb, guarded) = (At(0, 0), At(0.375, 0), At(0.375, 4));
        Assert.Equal(0.25, guarded.FullSyncShare);
        Assert.Equal(0, At(0, 4).FullSyncShare);
        Assert.Equal(0.75 * spb.IterationSeconds + 0.25 * full.IterationSeconds, guarded.IterationSeconds, 12);
        Assert.Equal(0.75 * (1 - 0.2 * spb.Sigma) + 0.25, guarded.Progress, 12);
        Assert.Equal(0.75 * spb.AllReduceBytes + 0.25 * full.AllReduceBytes, guarded.AllReduceBytes, 6);
        Assert.Equal(full.MemoryBytes, guarded.MemoryBytes);
        for (var w = 0; w < 4; w++)
            Assert.Equal((0.75 * spb.ComputeShares[w] * spb.IterationSeconds
                    + 0.25 * full.ComputeShares[w] * full.IterationSeconds) / guarded.IterationSeconds,
                guarded.ComputeShares[w], 12);
    }
}
