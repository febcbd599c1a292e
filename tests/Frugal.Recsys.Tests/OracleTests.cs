using Frugal.Core.Errors;
using Frugal.Recsys.Data;
using Frugal.Recsys.Lookahead;

namespace Frugal.Recsys.Tests;

public class OracleTests
{
    // One table, two samples per batch, two trainers (sample 0 → rank 0, sample 1 → rank 1).
    private static readonly int[][] Stream = [[1, 2], [1, 3], [4, 5], [2, 6], [1, 1]];

    private static List<BatchPlan> Plans(RecsysMode mode, int lookahead, bool noSync) =>
        [.. new LookaheadOracle([10], 2, mode, lookahead, noSync).Plan(Stream.Select(Batch))];

    private static CtrBatch Batch(int[] ids)
    {
        var batch = new CtrBatch(ids.Length, 1);
        ids.CopyTo(batch.Ids, 0);
        return batch;
    }

    private static long[] K(params int[] ids) => [.. ids.Select(id => RowKey.Of(0, id))];

    [Fact]
    public void LookaheadOfTwoGivesTheWorkedOutSets()
    {
        var p = Plans(RecsysMode.Bagpipe, 2, noSync: true);
        Assert.Equal(K(1, 2), p[0].Prefetch);
        Assert.Equal([0, 0], p[0].Versions);
        Assert.Equal(K(1), p[0].TtlKeys);
        Assert.Equal([1], p[0].TtlExpiry);
        Assert.Equal(K(2), p[0].NoSync);
        Assert.Equal([1], p[0].NoSyncOwners);
        Assert.Equal(K(1), p[0].SyncNow);
        Assert.Empty(p[0].SyncLater);

        Assert.Equal(K(3), p[1].Prefetch); // 1 is cached through batch 1
        Assert.Empty(p[1].TtlKeys);
        Assert.Equal(K(1, 3), p[1].NoSync);
        Assert.Equal([0, 1], p[1].NoSyncOwners);
        Assert.Empty(p[1].SyncNow);

        Assert.Equal(K(4, 5), p[2].Prefetch);
        Assert.Equal(K(4, 5), p[2].NoSync);

        Assert.Equal(K(2, 6), p[3].Prefetch);
        Assert.Equal([1, 0], p[3].Versions); // row 2's second lifetime waits for its first write-back
        Assert.Equal([0, 1], p[3].NoSyncOwners);

        Assert.Equal(K(1), p[4].Prefetch); // last used at 1, more than L before 4: fetched again
        Assert.Equal([1], p[4].Versions);
        Assert.Empty(p[4].NoSync); // used by both samples
        Assert.Empty(p[4].SyncNow);
        Assert.Equal(K(1), p[4].SyncLater);
    }

    [Fact]
    public void WithoutNoSyncTheOnceUsedRowsAreSynchronisedLater()
    {
        var p = Plans(RecsysMode.Bagpipe, 2, noSync: false);
        Assert.Empty(p[0].NoSync);
        Assert.Equal(K(2), p[0].SyncLater);
        Assert.Equal(K(1, 3), p[1].SyncLater);
    }

    [Fact]
    public void LongerLookaheadKeepsRowsCachedAcrossTheGap()
    {
        var p = Plans(RecsysMode.Bagpipe, 4, noSync: true);
        Assert.Equal(K(1), p[1].TtlKeys); // batch 4 is inside the window of batch 1
        Assert.Equal([4], p[1].TtlExpiry);
        Assert.DoesNotContain(RowKey.Of(0, 1), p[1].NoSync);
        Assert.Empty(p[4].Prefetch);
        Assert.Equal(K(1, 2), p[0].TtlKeys);
        Assert.Equal([4, 3], p[0].TtlExpiry);
        Assert.Equal(K(6), p[3].Prefetch);
    }

    [Fact]
    public void SynchronousModesNumberEveryUse()
    {
        var p = Plans(RecsysMode.Sync, 2, noSync: true);
        Assert.Equal(K(1, 2), p[0].Prefetch);
        Assert.Equal(K(1, 3), p[1].Prefetch);
        Assert.Equal([1, 0], p[1].Versions);
        Assert.Equal(K(1), p[4].Prefetch);
        Assert.Equal([2], p[4].Versions);
        Assert.All(p, plan => Assert.Equal(plan.Keys, plan.SyncNow));
        Assert.All(p, plan => Assert.Empty(plan.NoSync));
    }

    [Fact]
    public void SyncNowAndSyncLaterPartitionTheRowsLessNoSync()
    {
        var generator = new SyntheticCtrGenerator([50, 200, 1000], new Core.Randomness.SeedTree(3));
        var batches = Enumerable.Range(0, 40).Select(_ => generator.Next(16)!).ToList();
        var plans = new LookaheadOracle([50, 200, 1000], 4, RecsysMode.Bagpipe, 8, true).Plan(batches).ToList();
        for (var b = 0; b < plans.Count; b++)
        {
            var p = plans[b];
            var all = SortedKeys.Union([p.SyncNow, p.SyncLater, p.NoSync]);
            Assert.Equal(p.Keys, all);
            Assert.Equal(p.Keys.Length, p.SyncNow.Length + p.SyncLater.Length + p.NoSync.Length);
            if (b + 1 < plans.Count) Assert.Empty(SortedKeys.Filter(p.SyncLater, plans[b + 1].Keys, keep: true));
        }
    }

    [Fact]
    public void CacheBoundCountsDistinctRowsOfTheWidestWindow()
    {
        long[][] keys = [[1, 2], [2, 3], [4], [5, 6, 7], [1]];
        Assert.Equal(3, CacheBound.Compute(keys, 0, 0));
        Assert.Equal(4, CacheBound.Compute(keys, 0, 1)); // {4,5,6,7}
        Assert.Equal(7, CacheBound.Compute(keys, 2, 2));
    }

    [Fact]
    public void ACapacityBelowTheBoundNamesTheBound()
    {
        var e = Assert.Throws<BadInputException>(() => CacheBound.Check(10, 12));
        Assert.Contains("needs 12 rows", e.Message);
        Assert.Equal(CacheBound.CapacitySetting, e.Setting);
    }
}
