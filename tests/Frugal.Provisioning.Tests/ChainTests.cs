using Frugal.Core.Errors;
using Frugal.Provisioning.Chains;
using Frugal.Provisioning.Evaluation;
using Frugal.Provisioning.Methods;
using Frugal.Provisioning.Simulation;
using Frugal.Provisioning.Traces;

namespace Frugal.Provisioning.Tests;

public sealed class ChainTests
{
    [Fact]
    public void APositiveGapIsAnInterruption()
    {
        var gap = ChainGap.Between(predecessorEnd: 1000, successorStart: 2800, nodes: 8);
        Assert.Equal(0.5, gap.InterruptionHours, 12);
        Assert.Equal(0, gap.OverlapNodeHours);
        Assert.False(gap.IsZeroInterruption);
    }

    [Fact]
    public void ANegativeGapWastesTheSuccessorsNodeHours()
    {
        var gap = ChainGap.Between(predecessorEnd: 10_000, successorStart: 10_000 - 5400, nodes: 8);
        Assert.Equal(-1.5, gap.Hours, 12);
        Assert.Equal(0, gap.InterruptionHours);
        Assert.Equal(12, gap.OverlapNodeHours, 12);
        Assert.True(gap.IsZeroInterruption);
        Assert.True(ChainGap.Between(5, 5, 1).IsZeroInterruption);
    }

    [Fact]
    public void AnOutcomeSummarisesItsGaps()
    {
        var outcome =
            new MethodOutcome("m", 1,
            [new ChainGap(3600, 2), new ChainGap(-1800, 2), new ChainGap(7200, 2), new ChainGap(0, 2)]);
        Assert.Equal(0.75, outcome.MeanInterruptionHours, 12);
        Assert.Equal(0.5, outcome.MedianInterruptionHours, 12);
        Assert.Equal(0.5, outcome.ZeroInterruptionFraction, 12);
        Assert.Equal(0.25, outcome.OverlapNodeHours, 12); // 1 node-h over four chains
        var baseline = new MethodOutcome("b", 1, [new ChainGap(3 * 3600, 1)]);
        Assert.Equal(0.75, outcome.InterruptionCutAgainst(baseline), 12);
    }

    private const long Day = 86400;

    private static ChainEpisode EmptyCluster(ChainSpec chain) =>
        new([new SlurmJob("tiny", 0, 0, 0, 60, 60, 1)],
            new EpisodeSettings { Pools = NodePools.Single(8), Chain = chain });

    [Fact]
    public void OnAnIdleClusterReactiveOverlapsByItsMinuteAndDependencyNotAtAll()
    {
        var chain = new ChainSpec(Nodes: 2, LimitSeconds: 10 * 3600);
        var episode = EmptyCluster(chain);
        var reactive = episode.Run(0, new ReactiveMethod());
        Assert.Equal(-60, reactive.Seconds);
        Assert.Equal(60 * 2 / 3600.0, reactive.OverlapNodeHours, 12);
        Assert.Equal(0, episode.Run(0, new DependencyMethod()).Seconds);
        // No job has waited, so the average-wait rule also submits one minute ahead, at the first decision there.
        Assert.Equal(-60, episode.Run(0, new AverageWaitMethod()).Seconds);
    }

    [Fact]
    public void OnABusyClusterReactiveIsInterruptedAndDependencyWaitsFromThePredecessorsEnd()
    {
        // Pool of 2: the predecessor takes 1 node at 2 d; an hour later a 2-node job queues for the
        // whole pool and, older than any successor, takes it when the predecessor ends, for 5 hours.
        var chain = new ChainSpec(Nodes: 1, LimitSeconds: 10 * 3600);
        var wideAt = 2 * Day + 3600;
        var trace = new List<SlurmJob> { new("wide", wideAt, wideAt, wideAt, wideAt + 5 * 3600, 5 * 3600, 2) };
        var episode = new ChainEpisode(trace, new EpisodeSettings { Pools = NodePools.Single(2), Chain = chain });

        Assert.Equal(5 * 3600, episode.Run(0, new ReactiveMethod()).Seconds);
        Assert.Equal(5 * 3600, episode.Run(0, new DependencyMethod()).Seconds);
        // Submitted half an hour into the predecessor's run, the successor starts at once and overlaps it by 9.5 h.
        var probe = episode.Probe(0, 2 * Day + 1800);
        Assert.Equal(-9.5, probe.LabelHours, 4);
    }

    [Fact]
    public void ProbesSpanThePredecessorsRunAndRecordTheChainInEveryRow()
    {
        var chain = new ChainSpec(Nodes: 1, LimitSeconds: 10 * 3600);
        var episode = EmptyCluster(chain);
        var times = episode.ProbeTimes(0, 7);
        Assert.Equal(2 * Day + 60, times[0]);
        Assert.Equal(2 * Day + chain.LimitSeconds - 60, times[^1]);
        Assert.All(times, t => Assert.Equal(0, t % 60));

        var probe = episode.Probe(0, times[3]);
        Assert.Equal(SnapshotFeatures.Length, probe.Features.Length);
        var elapsed = times[3] - 2 * Day;
        for (var row = 0; row < SnapshotFeatures.HistoryLength; row++)
        {
            var r = probe.Features.AsSpan(row * SnapshotFeatures.PerRow, SnapshotFeatures.PerRow);
            Assert.Equal([600f, 1f, 0f, elapsed], r[34..38].ToArray());
            Assert.Equal([600f, 1f, 0f, 0f], r[38..42].ToArray());
        }
    }

    [Fact]
    public void TrainingWindowsEndBeforeValidationBegins()
    {
        var split = new TimeSplit(0, 20 * Day, 40 * Day, StrideSeconds: Day);
        var training = split.TrainingStarts(5 * Day);
        var validation = split.ValidationStarts(5 * Day);
        Assert.Equal(16, training.Count);
        Assert.True(training[^1] + 5 * Day <= split.ValidationFrom);
        Assert.Equal(20 * Day, validation[0]);
        Assert.Equal(16, validation.Count);
        Assert.Equal(3, split.TrainingStarts(5 * Day, limit: 3).Count);
    }

    [Fact]
    public void MethodsAreChosenByName()
    {
        Assert.IsType<ReactiveMethod>(MethodCatalog.Create("reactive"));
        Assert.IsType<DependencyMethod>(MethodCatalog.Create("dependency"));
        Assert.IsType<AverageWaitMethod>(MethodCatalog.Create("avg-wait"));
        Assert.IsType<ReactiveMethod>(MethodCatalog.Create("Reactive"));
        var unknown = Assert.Throws<UnknownNameException>(() => MethodCatalog.Create("oracle"));
        Assert.Equal("unknown method 'oracle'; known: reactive, dependency, avg-wait, forest, gbt, pg",
            unknown.Message);
        Assert.Equal(MethodCatalog.Setting, unknown.Setting);
        var untrained = Assert.Throws<BadInputException>(() => MethodCatalog.Create("gbt"));
        Assert.Contains("needs a trained gbt model", untrained.Message);
        Assert.Equal(["reactive", "dependency", "avg-wait"], MethodCatalog.Baselines);
    }
}
