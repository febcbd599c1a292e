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
    public void SeveralGpuTypesAndOutOfRangeKnobsAreBadInput()
    {
        var e = Assert.Throws<BadInputException>(() => Run(SmallTrace(2), new JigSawOptions(), true, "v100=4,k80=4"));
        Assert.Equal("cluster", e.Setting);
        var kappa = Assert.Throws<BadInputException>(() => Run(SmallTrace(2), new JigSawOptions { Kappa = -1 }, true));
        Assert.Equal("kappa", kappa.Setting);
        var sigma = Assert.Throws<BadInputException>(() =>
            Run(SmallTrace(2), new JigSawOptions { MaxSigma = 1.5 }, true));
        Assert.Equal("SPB max sigma", sigma.Setting);
    }
}
