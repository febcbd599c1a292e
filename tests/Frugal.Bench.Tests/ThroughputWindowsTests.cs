using Frugal.Core.Randomness;
using Frugal.Workloads.Ycsb;

namespace Frugal.Bench.Tests;

public sealed class ThroughputWindowsTests
{
    [Fact]
    public void TheWorstWindowIsMeasuredAgainstTheRunsMean()
    {
        TimelinePoint[] windows = [new(1, 1000, null, null), new(2, 200, null, null), new(3, 1800, null, null)];
        var worst = ThroughputWindows.WorstFraction(windows, meanOpsPerSecond: 1000);

        Assert.Equal(0.2, worst, 9);
        Assert.True(ThroughputWindows.Stalled(worst));
        Assert.False(ThroughputWindows.Stalled(ThroughputWindows.WorstFraction(windows[..1], 1000)));
        Assert.True(double.IsNaN(ThroughputWindows.WorstFraction([], 1000)));
    }

    [Fact]
    public void AStoreThatNeverStallsShowsNoStallInAnyWindowTheLastIncluded()
    {
        using var target = new SteadyTarget();
        var run = RunFor2Point2Seconds(target);

        Assert.NotNull(run.Timeline);
        Assert.InRange(run.Timeline.Count, 2, 3);
        Assert.InRange(run.Timeline[^1].Seconds, 2.0, 2.5);
        Assert.False(ThroughputWindows.Stalled(ThroughputWindows.WorstFraction(run.Timeline, run.OpsPerSecond)),
            string.Join(", ", run.Timeline.Select(w => $"{w.Seconds:F2} s: {w.OpsPerSecond:F0}/s")));
    }

    [Fact]
    public void EachWindowShowsTheSleepsTheStoresWritersTookInIt()
    {
        using var target = new SteadyTarget();
        var run = RunFor2Point2Seconds(target);

        Assert.NotNull(run.Timeline);
        Assert.All(run.Timeline, w => Assert.True(w.ThrottleSleeps > 0));
        // Per window, not cumulative: together they are the store's count, less a last short window left out.
        Assert.InRange(run.Timeline.Sum(w => w.ThrottleSleeps!.Value), target.ThrottleSleeps!.Value / 2,
            target.ThrottleSleeps!.Value);
    }

    /// <summary>
    /// YCSB-A on <paramref name="target"/> for 2.2 s, sampled in windows: the last window holds 0.2 s of work (were it
    /// sampled a whole second, it would look like a stall).
    /// </summary>
    private static PhaseResult RunFor2Point2Seconds(SteadyTarget target)
    {
        var settings = new YcsbSettings(Records: 1_000, ValueBytes: 16, Threads: 1,
            Duration: TimeSpan.FromSeconds(2.2));
        return YcsbRunner.Run(target, YcsbWorkload.A, settings, new SeedTree(3), ThroughputWindows.Length);
    }

    /// <summary>
    /// A store whose every operation takes the same few microseconds, and which says its writers slept once for
    /// every write (a count the timeline must show per window).
    /// </summary>
    private sealed class SteadyTarget : IKvTarget
    {
        private long _writes;

        public (long Read, long Written)? DeviceBytes => (0, 0);

        public long? ThrottleSleeps => Interlocked.Read(ref _writes);

        public IKvSession NewSession() => new Session(this);

        public void Dispose() { }

        private sealed class Session(SteadyTarget target) : IKvSession
        {
            public void Upsert(long key, ReadOnlySpan<byte> value)
            {
                Interlocked.Increment(ref target._writes);
                Thread.SpinWait(200);
            }

            public bool Read(long key, Memory<byte> value)
            {
                Thread.SpinWait(200);
                return true;
            }

            public void ReadModifyWrite(long key, ReadOnlyMemory<byte> initial) => Thread.SpinWait(200);

            public void Dispose() { }
        }
    }
}
