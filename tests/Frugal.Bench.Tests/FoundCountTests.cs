using Frugal.Bench.Targets;
using Frugal.Core.Randomness;
using Frugal.Workloads.Ycsb;

namespace Frugal.Bench.Tests;

/// <summary>Every store counts its reads by outcome after completion, pending ones included.</summary>
public sealed class FoundCountTests : IDisposable
{
    private const int Records = 4_000;
    private const int ValueBytes = 100;

    /// <summary>1/8 of the data, so most of every store's data is on its device.</summary>
    private static readonly StoreBudget Budget = new(Records * (8L + ValueBytes) / 8);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("frugal-bench-tests-");

    public void Dispose() => _dir.Delete(recursive: true);

    public static TheoryData<string> Stores => new(KvBenchCommand.StoreNames.Concat(KvBenchCommand.ExtraStoreNames));

    [Theory]
    [MemberData(nameof(Stores))]
    public void ReadsOfLoadedAndAbsentKeysAreCountedFoundAndMissing(string store)
    {
        using var target = KvBenchCommand.Open(store, _dir.FullName, Budget, ValueBytes);
        using (var session = target.NewSession())
        {
            var value = new byte[ValueBytes];
            for (long key = 0; key < Records; key++) session.Upsert(key, value);
        }
        target.AfterLoad();
        using (var session = target.NewSession())
        {
            var value = new byte[ValueBytes];
            for (long key = 0; key < 2 * Records; key++) session.Read(key, value);
        }
        var reads = target.Reads;
        Assert.Equal(new ReadCounts(2 * Records, Records, Records, reads.Pending), reads);
        Assert.Equal(0, reads.Lost);
    }

    [Theory]
    [InlineData("faster", "B")]
    [InlineData("faster", "C")]
    [InlineData("faster-rc", "B")]
    [InlineData("faster-rc", "C")]
    [InlineData("tsavorite", "B")]
    [InlineData("tsavorite", "C")]
    [InlineData("tsavorite-rc", "B")]
    [InlineData("tsavorite-rc", "C")]
    public void FasterFamilyLeavesReadsInFlightAndCompletesEveryOneOfThem(string store, string workload)
    {
        using var target = KvBenchCommand.Open(store, _dir.FullName, Budget, ValueBytes);
        var settings = new YcsbSettings(Records, ValueBytes, Threads: 2, Duration: TimeSpan.FromMilliseconds(300));
        YcsbRunner.Load(target, settings);
        var run = YcsbRunner.Run(target, YcsbWorkload.Parse(workload), settings, new SeedTree(7));

        var reads = target.Reads;
        Assert.True(reads.Pending > 0, "no read went to the device: the test does not exercise pending reads");
        Assert.InRange(reads.Reads, reads.Pending, run.Operations);
        Assert.Equal(reads.Reads, reads.Found);
        Assert.Equal(0, reads.Missing);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void EveryStoreFindsEveryKeyItWasGivenInWorkloadD(string store)
    {
        using var target = KvBenchCommand.Open(store, _dir.FullName, Budget, ValueBytes);
        var settings = new YcsbSettings(Records, ValueBytes, Threads: 2, Duration: TimeSpan.FromMilliseconds(200));
        YcsbRunner.Load(target, settings);
        YcsbRunner.Run(target, YcsbWorkload.D, settings, new SeedTree(5));

        var reads = target.Reads;
        Assert.True(reads.Reads > 0);
        Assert.Equal((reads.Reads, 0L, 0L), (reads.Found, reads.Missing, reads.Lost));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void EveryStoreAppliesEveryReadModifyWriteOfWorkloadF(string store)
    {
        // Everything in memory, so the reads that check the values complete at once in every store. One thread:
        // RocksDB's read-modify-write is a get and a put, which two threads can interleave and lose an increment.
        using var target = KvBenchCommand.Open(store, _dir.FullName, new StoreBudget(64L << 20), ValueBytes);
        var settings = new YcsbSettings(Records, ValueBytes, Threads: 1, Duration: TimeSpan.FromMilliseconds(200));
        YcsbRunner.Load(target, settings);
        var run = YcsbRunner.Run(target, YcsbWorkload.F, settings, new SeedTree(5));

        // The load wrote each key's number in its value's first word; each read-modify-write added 1 to one of them.
        long added = 0;
        using (var session = target.NewSession())
        {
            var value = new byte[ValueBytes];
            for (long key = 0; key < Records; key++)
            {
                Assert.True(session.Read(key, value), $"key {key}");
                added += BitConverter.ToInt64(value) - key;
            }
        }
        Assert.True(run.Operations > 0);
        Assert.Equal(run.Operations, added);
    }

    [Fact]
    public void CountsOfARunAreTheDifferenceOfTwoSnapshots()
    {
        var before = new ReadCounts(10, 7, 2, 4);
        var after = new ReadCounts(25, 20, 3, 9);
        Assert.Equal(new ReadCounts(15, 13, 1, 5), after - before);
        Assert.Equal(1, (after - before).Lost);
    }
}
