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
        // 2.2 s: the last window holds 0.2 s of work; were it sampled a whole second, it would look like a stall.
        var settings = new YcsbSettings(Records: 1_000, ValueBytes: 16, Threads: 1,
            Duration: TimeSpan.FromSeconds(2.2));
        using var target = new SteadyTarget();
        var run = YcsbRunner.Run(target, YcsbWorkload.A, settings, new SeedTree(3), ThroughputWindows.Length);

        Assert.NotNull(run.Timeline);
        Assert.InRange(run.Timeline.Count, 2, 3);
        Assert.InRange(run.Timeline[^1].Seconds, 2.0, 2.5);
        Assert.False(ThroughputWindows.Stalled(ThroughputWindows.WorstFraction(run.Timeline, run.OpsPerSecond)),
            string.Join(", ", run.Timeline.Select(w => $"{w.Seconds:F2} s: {w.OpsPerSecond:F0}/s")));
    }

    /// <summary>A store whose every operation takes the same few microseconds.</summary>
    private sealed class SteadyTarget : IKvTarget
    {
        public (long Read, long Written)? DeviceBytes => (0, 0);

        public IKvSession NewSession() => new Session();

        public void Dispose() { }

        private sealed class Session : IKvSession
        {
            public void Upsert(long key, ReadOnlySpan<byte> value) => Thread.SpinWait(200);

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
