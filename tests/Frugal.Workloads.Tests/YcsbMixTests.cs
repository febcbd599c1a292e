using System.Collections.Concurrent;
using Frugal.Core.Randomness;
using Frugal.Workloads.Ycsb;

namespace Frugal.Workloads.Tests;

/// <summary>The runner issues each workload's mix, and D reads only keys already written.</summary>
public sealed class YcsbMixTests
{
    private const long Records = 10_000;

    [Theory]
    [InlineData("A", 0.5, 0.5, 0, 0)]
    [InlineData("B", 0.95, 0.05, 0, 0)]
    [InlineData("C", 1, 0, 0, 0)]
    [InlineData("D", 0.95, 0, 0.05, 0)]
    [InlineData("F", 0, 0, 0, 1)]
    public void TheRunIssuesTheWorkloadsMix(string name, double reads, double updates, double inserts, double rmws)
    {
        var target = new RecordingTarget(Records);
        var run = Run(target, name);

        var total = (double)run.Operations;
        Assert.Equal(run.Operations, target.Reads + target.Updates + target.Inserts.Count + target.Rmws);
        Assert.InRange(target.Reads / total, reads - 0.01, reads + 0.01);
        Assert.InRange(target.Updates / total, updates - 0.01, updates + 0.01);
        Assert.InRange(target.Inserts.Count / total, inserts - 0.01, inserts + 0.01);
        Assert.InRange(target.Rmws / total, rmws - 0.01, rmws + 0.01);
    }

    [Fact]
    public void DInsertsFreshKeysInOrderAndReadsTheNewestMost()
    {
        var target = new RecordingTarget(Records);
        Run(target, "D");

        var inserted = target.Inserts.Keys.Order().ToList();
        Assert.NotEmpty(inserted);
        Assert.Equal(Enumerable.Range(0, inserted.Count).Select(i => Records + i), inserted);
        // Zipfian ranks from the newest key: most reads land on the newest tenth of the keys.
        Assert.True(target.RecentReads > target.Reads / 2, $"{target.RecentReads} of {target.Reads} reads were recent");
    }

    [Fact]
    public void DNeverReadsAKeyWhoseInsertHasNotReturned()
    {
        // The store takes its time over each insert, so a read of a key still being inserted would be seen.
        var target = new RecordingTarget(Records, slowInserts: true);
        Run(target, "D");

        Assert.NotEmpty(target.Inserts);
        Assert.Equal(0, target.ReadsOfUnwrittenKeys);
    }

    [Fact]
    public void TheLatestKeyMovesOnlyPastInsertsThatReturnedInARow()
    {
        var chooser = new YcsbKeyChooser(records: 100, theta: 0.99, latest: true);
        var (first, second) = (chooser.NextInsert(), chooser.NextInsert());
        Assert.Equal((100, 101), (first, second));

        chooser.Acknowledge(second);
        Assert.Equal(100, chooser.KeyCount);
        chooser.Acknowledge(first);
        Assert.Equal(102, chooser.KeyCount);
    }

    private static PhaseResult Run(RecordingTarget target, string workload) => YcsbRunner.Run(
        target, YcsbWorkload.Parse(workload),
        new YcsbSettings(Records, ValueBytes: 16, Threads: 2, Duration: TimeSpan.FromMilliseconds(200)),
        new SeedTree(11));

    /// <summary>Counts what a run asks of it; remembers which keys exist.</summary>
    private sealed class RecordingTarget(long records, bool slowInserts = false) : IKvTarget
    {
        public readonly ConcurrentDictionary<long, bool> Inserts = new();
        private readonly long _records = records;
        private readonly bool _slowInserts = slowInserts;
        public long Reads, Updates, Rmws, RecentReads, ReadsOfUnwrittenKeys;

        public (long Read, long Written)? DeviceBytes => (0, 0);

        public IKvSession NewSession() => new Session(this);

        public void Dispose() { }

        private sealed class Session(RecordingTarget target) : IKvSession
        {
            public void Upsert(long key, ReadOnlySpan<byte> value)
            {
                if (key < target._records)
                {
                    Interlocked.Increment(ref target.Updates);
                    return;
                }
                if (target._slowInserts) Thread.Sleep(1);
                Assert.True(target.Inserts.TryAdd(key, true), $"key {key} inserted twice");
            }

            public bool Read(long key, Memory<byte> value)
            {
                Interlocked.Increment(ref target.Reads);
                var written = key < target._records || target.Inserts.ContainsKey(key);
                if (!written) Interlocked.Increment(ref target.ReadsOfUnwrittenKeys);
                if (key >= target._records * 9 / 10 + target.Inserts.Count)
                    Interlocked.Increment(ref target.RecentReads);
                return written;
            }

            public void ReadModifyWrite(long key, ReadOnlyMemory<byte> initial) =>
                Interlocked.Increment(ref target.Rmws);

            public void Dispose() { }
        }
    }
}
