using Frugal.Provisioning.Chains;
using Frugal.Provisioning.Simulation;

namespace Frugal.Provisioning.Tests;

public sealed class FeatureTests
{
    private static SimJob Running(long submit, long start, int nodes, long limitMinutes)
    {
        var job = new SimJob("r", submit, limitMinutes * 60, limitMinutes * 60, nodes) { };
        job.Start = start;
        return job;
    }

    [Fact]
    public void ASnapshotHoldsCountsNodeSumsAndPercentilesByHand()
    {
        const long now = 1000;
        SimJob[] pending = [new("c", 200, 30 * 60, 60, 4), new("d", 400, 90 * 60, 60, 1)];
        SimJob[] running = [Running(0, 100, 2, 60), Running(0, 0, 1, 120), Running(50, 150, 3, 240)];
        var f = SnapshotFeatures.Snapshot(pending, running, now);

        float[] expected =
        [
            2, 5, 30, 45, 60, 75, 90, 600, 650, 700, 750, 800, 0, 0, 0, 0, 0,
                // pending: limits {30, 90} min, waits {800, 600} s
            3, 6, 60, 90, 120, 180, 240, 0, 50, 100, 100, 100, 850, 875, 900, 950, 1000,
                // running: waits {100, 0, 100}, elapsed {900, 1000, 850}
        ];
        Assert.Equal(expected, f);
    }

    [Fact]
    public void AnEmptySetCountsAsZero()
    {
        var f = SnapshotFeatures.Snapshot([], [], 0);
        Assert.Equal(new float[SnapshotFeatures.PerSnapshot], f);
    }

    [Fact]
    public void FlatteningAppendsTheChainToEveryRowOldestFirst()
    {
        var history =
            Enumerable.Range(0, SnapshotFeatures.HistoryLength)
            .Select(i => Enumerable.Repeat((float)i, SnapshotFeatures.PerSnapshot).ToArray()).ToList();
        var x = SnapshotFeatures.Flatten(history, new JobTuple(2880, 8, 300, 1200), new JobTuple(2880, 8, 0, 0));

        Assert.Equal(SnapshotFeatures.Length, x.Length);
        Assert.Equal(0, x[0]);
        Assert.Equal(143, x[143 * 42]);
        Assert.Equal([2880f, 8, 300, 1200, 2880, 8, 0, 0], x.AsSpan(5 * 42 + 34, 8).ToArray());
        Assert.Throws<ArgumentException>(() => SnapshotFeatures.Flatten(history.Take(10).ToList(), default, default));
    }

    [Fact]
    public void ThePredecessorTupleSwitchesFromWaitingToRunning()
    {
        var p = new SimJob("p", 100, 2880 * 60, 2880 * 60, 1);
        Assert.Equal(new JobTuple(2880, 1, 400, 0), JobTuple.Predecessor(p, 500));
        p.Start = 700;
        Assert.Equal(new JobTuple(2880, 1, 600, 300), JobTuple.Predecessor(p, 1000));
    }

    [Fact]
    public void TheHistoryKeepsTheLast144Snapshots()
    {
        var history = new QueueHistory();
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(i >= 144, history.IsFull);
            history.Record([i]);
        }
        var rows = history.Rows();
        Assert.Equal(56, rows[0][0]);
        Assert.Equal(199, rows[^1][0]);
    }
}
